import { Alert, Card } from 'antd';
import type { ReactNode } from 'react';

/** The centred card of the screens before sign-in (首次设置, 登录), with its error line. */
export function AuthCard({
  title,
  titleTestId,
  error,
  errorTestId,
  children,
}: {
  title: string;
  titleTestId: string;
  error: string | null;
  errorTestId?: string;
  children: ReactNode;
}) {
  return (
    <div className="centered">
      <Card className="auth-card" title={<span data-testid={titleTestId}>{title}</span>}>
        {error && (
          <Alert type="error" showIcon title={error} className="form-alert" data-testid={errorTestId} />
        )}
        {children}
      </Card>
    </div>
  );
}
