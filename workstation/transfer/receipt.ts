import { createPublicKey, verify } from 'node:crypto';
import { signedReceiptSchema, type SignedReceipt } from '../../core/bagit';
import { canonicalJson } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { Repos } from '../../db/repos';
import type { Actor } from '../../db/repos/actor';
import type { TransfersRepo } from '../../db/repos/transfers';

/** The outbox and receipt imports act for the technician (lifecycle: transfer is a technician's act). */
export const TRANSFER_ACTOR: Actor = Object.freeze({
  userId: null,
  username: 'transfer',
  role: 'technician',
});

function invalid(code: string, zh: string, en: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, text(zh, en), details);
}

/** Parses a receipt and checks its Ed25519 signature against the store keys this workstation trusts. */
export function verifyReceipt(raw: unknown, trusted: ReadonlyMap<string, string>): SignedReceipt {
  const parsed = signedReceiptSchema.safeParse(raw);
  if (!parsed.success)
    throw invalid('transfer.receipt-malformed', '回执格式不正确', 'The receipt is malformed');
  const receipt = parsed.data;
  const publicKey = trusted.get(receipt.body.keyId);
  if (publicKey === undefined) {
    throw invalid(
      'transfer.receipt-untrusted',
      `回执由未受信任的存储端密钥签署：${receipt.body.keyId}`,
      `The receipt is signed by a store key this workstation does not trust: ${receipt.body.keyId}`,
      { keyId: receipt.body.keyId },
    );
  }
  const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  const ok = verify(
    null,
    Buffer.from(canonicalJson(receipt.body)),
    key,
    Buffer.from(receipt.signature, 'base64'),
  );
  if (!ok) throw invalid('transfer.receipt-forged', '回执签名无效', 'The receipt’s signature is not valid');
  return receipt;
}

/**
 * Records a verified receipt for a volume and moves the volume to transferred (queuing it first when it
 * is only verified). Replaying the same receipt changes nothing.
 */
export function acceptReceipt(
  deps: { repos: Repos; transfers: TransfersRepo },
  receipt: SignedReceipt,
  via: 'online' | 'offline',
  expectedManifestSha256?: string,
): { volumeId: number; recorded: boolean } {
  const volume = deps.repos.volumes.byUid(receipt.body.volumeUid);
  if (!volume) {
    throw invalid(
      'transfer.receipt-unknown',
      `回执所指案卷不在本工作站：${receipt.body.archiveNo}`,
      `The receipt names a volume not on this workstation: ${receipt.body.archiveNo}`,
    );
  }
  if (expectedManifestSha256 !== undefined && expectedManifestSha256 !== receipt.body.manifestSha256) {
    throw invalid(
      'transfer.receipt-mismatch',
      '回执与发送的内容不符',
      'The receipt is for other content than was sent',
    );
  }
  if (via === 'offline') {
    const waiting = deps.transfers
      .exports({ volumeId: volume.id })
      .some((e) => e.manifestSha256 === receipt.body.manifestSha256);
    if (!waiting) {
      throw invalid(
        'transfer.receipt-unknown',
        `没有与回执对应的导出包：${receipt.body.archiveNo}`,
        `No exported bag matches the receipt for ${receipt.body.archiveNo}`,
      );
    }
  }
  const recorded = deps.transfers.recordReceipt({
    volumeId: volume.id,
    manifestSha256: receipt.body.manifestSha256,
    storeVersion: receipt.body.version,
    via,
    receipt,
  });
  const state = deps.repos.volumes.get(volume.id).state;
  if (state === 'verified') deps.repos.volumes.transition(volume.id, 'queued', TRANSFER_ACTOR);
  if (state === 'verified' || state === 'queued')
    deps.repos.volumes.transition(volume.id, 'transferred', TRANSFER_ACTOR);
  return { volumeId: volume.id, recorded };
}
