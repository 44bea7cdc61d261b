import { HTTP, type Channel, type Envelope, type Input, type Output } from '../../core/contracts';
import type { Started } from './workstation-process';

/** One engine call over a browser-mode workstation's HTTP API, as the UI makes it; a refusal throws. */
export async function engineCall<C extends Channel>(
  ws: Pick<Started, 'origin' | 'token'>,
  channel: C,
  input: Input<C>,
  session: string | null,
): Promise<Output<C>> {
  const res = await fetch(`${ws.origin}${HTTP.api}${channel}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ws.token}`,
      ...(session === null ? {} : { [HTTP.sessionHeader]: session }),
    },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as Envelope<Output<C>>;
  if (!body.ok) throw new Error(`${channel}: ${body.error.code} ${body.error.message.en}`);
  return body.value;
}
