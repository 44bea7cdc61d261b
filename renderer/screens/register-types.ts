export type { CodeCheckView, EnterpriseView, VolumeView } from '../../core/contracts';
export type { InputRef } from 'antd';
