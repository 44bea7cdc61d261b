import { Progress, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../core/contracts';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';

type Step = EventPayload<'maintenance.progress'>;

/**
 * The latest `maintenance.progress` event per task. Subscribed for as long as the screen is open (one
 * event stream, already connected when a task starts); `reset(task)` forgets a task's last step.
 */
export function useMaintenanceProgress(): {
  of: (task: Step['task']) => Step | null;
  reset: (task: Step['task']) => void;
} {
  const { client } = useApp();
  const [steps, setSteps] = useState<Partial<Record<Step['task'], Step>>>({});
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.name === 'maintenance.progress') setSteps((s) => ({ ...s, [e.payload.task]: e.payload }));
      }),
    [client],
  );
  return {
    of: (task) => steps[task] ?? null,
    reset: (task) => {
      setSteps((s) => ({ ...s, [task]: undefined }));
    },
  };
}

/** A running task: its bar (moving while the engine has not reported yet) and the current step. */
export function TaskProgress({
  step,
  fallback,
  testId,
}: {
  step: Step | null;
  fallback: string;
  testId: string;
}) {
  const { tx } = useI18n();
  const percent = step === null || step.total === 0 ? 0 : Math.round((step.done / step.total) * 100);
  return (
    <Space orientation="vertical" size={0} style={{ width: '100%' }} data-testid={testId}>
      <Progress percent={percent} status="active" />
      <Typography.Text type="secondary">
        {step === null ? fallback : `${tx(step.step)}（${step.done}/${step.total}）`}
      </Typography.Text>
    </Space>
  );
}
