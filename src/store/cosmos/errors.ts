import { LeadDeskError } from '../../leads/errors';

/** Cosmos SDK errors → our coded errors, so nothing outside src/store sees a Cosmos status code. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

export function toStoreError(err: unknown): LeadDeskError {
  if (err instanceof LeadDeskError) return err;
  const status = statusOf(err);
  const code = (err as { code?: unknown })?.code;
  if (status === 412) return new LeadDeskError('store.conflict', {}, err);
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || status === 503 || status === 429)
    return new LeadDeskError('store.unavailable', {}, err);
  return new LeadDeskError(
    'store.failed',
    { detail: status ? `status ${status}` : String((err as Error)?.message ?? err) },
    err,
  );
}
