import type { Database, Statement } from 'better-sqlite3';
import type { Json } from '../../core/canonical-json';
import type { Clock } from './actor';
import { systemClock } from './actor';

/** What a bag of one volume is made from, read in one go (one snapshot of the catalogue). */
export interface VolumeForBag {
  readonly volume: {
    readonly id: number;
    readonly uid: string;
    readonly archiveNo: string;
    readonly volumeType: string;
    readonly year: number;
    readonly registrationDate: string | null;
    readonly bureauCode: string;
    readonly declaredPages: number | null;
    readonly state: string;
  };
  readonly enterprise: {
    readonly uscc: string | null;
    readonly regNo: string | null;
    readonly name: string;
    readonly bureauCode: string;
  };
  readonly batch: string | null;
  readonly pages: readonly {
    readonly id: number;
    readonly seq: number;
    readonly sha256: string;
    readonly size: number;
    readonly mediaType: string;
    readonly width: number | null;
    readonly height: number | null;
    readonly dpiX: number | null;
    readonly dpiY: number | null;
    readonly colorMode: 'color' | 'gray' | 'bw' | null;
    readonly side: 'front' | 'back' | null;
    readonly blankScore: number | null;
    readonly isBlank: boolean;
    readonly isSeparator: boolean;
    readonly labelFound: string | null;
    readonly capturedAt: string;
    readonly transforms: readonly {
      readonly seq: number;
      readonly kind: string;
      readonly params: Json;
      readonly resultSha256: string | null;
      readonly resultSize: number | null;
      readonly resultMediaType: string | null;
    }[];
  }[];
  readonly documents: readonly {
    readonly seq: number;
    readonly typeCode: string;
    readonly title: string;
    readonly docDate: string | null;
    readonly responsible: string | null;
    readonly firstPage: number;
    readonly lastPage: number;
  }[];
  /** QA sign-offs and rejections, from the audit log. */
  readonly qa: readonly { action: string; by: string | null; at: string; note: string | null }[];
}

export interface TransferExport {
  readonly id: number;
  readonly volumeId: number;
  readonly bagDir: string;
  readonly batch: string;
  readonly manifestSha256: string;
  readonly state: 'awaiting-receipt' | 'received' | 'cancelled';
  readonly createdAt: string;
}

export interface StoredReceipt {
  readonly volumeId: number;
  readonly manifestSha256: string;
  readonly storeVersion: number;
  readonly via: 'online' | 'offline';
  readonly receipt: Json;
  readonly receivedAt: string;
}

interface PageRow {
  id: number;
  seq: number;
  blob_sha256: string;
  size: number;
  media_type: string;
  width: number | null;
  height: number | null;
  dpi_x: number | null;
  dpi_y: number | null;
  color_mode: 'color' | 'gray' | 'bw' | null;
  side: 'front' | 'back' | null;
  blank_score: number | null;
  is_blank: number;
  is_separator: number;
  label_found: string | null;
  captured_at: string;
  batch_uid: string | null;
}

/**
 * The workstation's transfer records: catalogue snapshots for bags, exports awaiting a receipt,
 * verified receipts, trusted store keys, resumable upload URLs and the outbox's back-off.
 */
export class TransfersRepo {
  private readonly stmts: {
    volume: Statement<{ id: number }, VolumeForBag['volume'] & { enterpriseId: number }>;
    enterprise: Statement<{ id: number }, VolumeForBag['enterprise']>;
    pages: Statement<{ id: number }, PageRow>;
    transforms: Statement<
      { pageId: number },
      {
        seq: number;
        kind: string;
        params: string;
        result_sha256: string | null;
        size: number | null;
        media_type: string | null;
      }
    >;
    documents: Statement<{ id: number }, VolumeForBag['documents'][number]>;
    qa: Statement<{ id: string }, { at: string; username: string | null; details: string }>;
    insertExport: Statement<{
      volumeId: number;
      bagDir: string;
      batch: string;
      manifest: string;
      now: string;
    }>;
    exportsIn: Statement<{ state: string }, ExportRow>;
    exportsOf: Statement<{ volumeId: number }, ExportRow>;
    markReceived: Statement<{ volumeId: number; manifest: string; now: string }>;
    insertReceipt: Statement<{
      volumeId: number;
      manifest: string;
      version: number;
      via: string;
      receipt: string;
      now: string;
    }>;
    receiptsOf: Statement<{ volumeId: number }, ReceiptRow>;
    trust: Statement<{ keyId: string; publicKey: string; label: string | null; now: string }>;
    keys: Statement<[], { key_id: string; public_key: string }>;
    uploadUrl: Statement<{ outboxId: number; sha: string }, { upload_url: string }>;
    setUploadUrl: Statement<{ outboxId: number; sha: string; url: string; now: string }>;
    clearUploads: Statement<{ outboxId: number }>;
    setRunAfter: Statement<{ id: number; at: string | null }>;
    runAfter: Statement<{ id: number }, { run_after: string | null }>;
    due: Statement<{ now: string }, { id: number }>;
  };

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.stmts = {
      volume: db.prepare(
        `SELECT id, uid, archive_no AS archiveNo, volume_type AS volumeType, year, registration_date AS registrationDate,
           bureau_code AS bureauCode, declared_pages AS declaredPages, state, enterprise_id AS enterpriseId
         FROM volumes WHERE id = @id`,
      ),
      enterprise: db.prepare(
        'SELECT uscc, reg_no AS regNo, name, bureau_code AS bureauCode FROM enterprises WHERE id = @id',
      ),
      pages: db.prepare(
        `SELECT p.id, p.seq, p.blob_sha256, b.size, b.media_type, p.width, p.height, p.dpi_x, p.dpi_y, p.color_mode,
           p.side, p.blank_score, p.is_blank, p.is_separator, p.label_found, p.captured_at, ba.uid AS batch_uid
         FROM pages p JOIN blobs b ON b.sha256 = p.blob_sha256 LEFT JOIN batches ba ON ba.id = p.batch_id
         WHERE p.volume_id = @id AND p.deleted_at IS NULL ORDER BY p.seq`,
      ),
      transforms: db.prepare(
        `SELECT t.seq, t.kind, t.params, t.result_sha256, b.size, b.media_type
         FROM page_transforms t LEFT JOIN blobs b ON b.sha256 = t.result_sha256
         WHERE t.page_id = @pageId ORDER BY t.seq`,
      ),
      documents: db.prepare(
        `SELECT seq, type_code AS typeCode, title, doc_date AS docDate, responsible, first_page AS firstPage,
           last_page AS lastPage FROM documents WHERE volume_id = @id ORDER BY seq`,
      ),
      qa: db.prepare(
        `SELECT at, username, details FROM audit_log
         WHERE object_type = 'volume' AND object_id = @id AND action = 'volume.transition' AND outcome = 'ok'
           AND json_extract(details, '$.action') IN ('verify', 'reject')
         ORDER BY seq`,
      ),
      insertExport: db.prepare(
        `INSERT INTO transfer_exports (volume_id, bag_dir, batch, manifest_sha256, state, created_at, updated_at)
         VALUES (@volumeId, @bagDir, @batch, @manifest, 'awaiting-receipt', @now, @now)`,
      ),
      exportsIn: db.prepare('SELECT * FROM transfer_exports WHERE state = @state ORDER BY id'),
      exportsOf: db.prepare('SELECT * FROM transfer_exports WHERE volume_id = @volumeId ORDER BY id'),
      markReceived: db.prepare(
        `UPDATE transfer_exports SET state = 'received', updated_at = @now
         WHERE volume_id = @volumeId AND manifest_sha256 = @manifest AND state = 'awaiting-receipt'`,
      ),
      insertReceipt: db.prepare(
        `INSERT INTO transfer_receipts (volume_id, manifest_sha256, store_version, via, receipt, received_at)
         VALUES (@volumeId, @manifest, @version, @via, @receipt, @now)
         ON CONFLICT (volume_id, manifest_sha256) DO NOTHING`,
      ),
      receiptsOf: db.prepare('SELECT * FROM transfer_receipts WHERE volume_id = @volumeId ORDER BY id'),
      trust: db.prepare(
        `INSERT INTO trusted_store_keys (key_id, public_key, label, added_at) VALUES (@keyId, @publicKey, @label, @now)
         ON CONFLICT (key_id) DO UPDATE SET public_key = excluded.public_key, label = excluded.label`,
      ),
      keys: db.prepare('SELECT key_id, public_key FROM trusted_store_keys ORDER BY key_id'),
      uploadUrl: db.prepare(
        'SELECT upload_url FROM transfer_uploads WHERE outbox_id = @outboxId AND blob_sha256 = @sha',
      ),
      setUploadUrl: db.prepare(
        `INSERT INTO transfer_uploads (outbox_id, blob_sha256, upload_url, created_at) VALUES (@outboxId, @sha, @url, @now)
         ON CONFLICT (outbox_id, blob_sha256) DO UPDATE SET upload_url = excluded.upload_url`,
      ),
      clearUploads: db.prepare('DELETE FROM transfer_uploads WHERE outbox_id = @outboxId'),
      setRunAfter: db.prepare('UPDATE outbox SET run_after = @at WHERE id = @id'),
      runAfter: db.prepare('SELECT run_after FROM outbox WHERE id = @id'),
      due: db.prepare(
        `SELECT id FROM outbox WHERE kind = 'upload' AND state IN ('queued', 'failed')
           AND (run_after IS NULL OR run_after <= @now) ORDER BY id`,
      ),
    };
  }

  /** The volume, its enterprise, live pages with their blobs and transforms, documents and QA, in one read transaction. */
  volumeForBag(volumeId: number): VolumeForBag | null {
    return this.db.transaction(() => {
      const v = this.stmts.volume.get({ id: volumeId });
      if (!v) return null;
      const enterprise = this.stmts.enterprise.get({ id: v.enterpriseId });
      if (!enterprise) return null;
      const rows = this.stmts.pages.all({ id: volumeId });
      const pages = rows.map((p) => ({
        id: p.id,
        seq: p.seq,
        sha256: p.blob_sha256,
        size: p.size,
        mediaType: p.media_type,
        width: p.width,
        height: p.height,
        dpiX: p.dpi_x,
        dpiY: p.dpi_y,
        colorMode: p.color_mode,
        side: p.side,
        blankScore: p.blank_score,
        isBlank: p.is_blank === 1,
        isSeparator: p.is_separator === 1,
        labelFound: p.label_found,
        capturedAt: p.captured_at,
        transforms: this.stmts.transforms.all({ pageId: p.id }).map((t) => ({
          seq: t.seq,
          kind: t.kind,
          params: JSON.parse(t.params) as Json,
          resultSha256: t.result_sha256,
          resultSize: t.size,
          resultMediaType: t.media_type,
        })),
      }));
      const qa = this.stmts.qa.all({ id: String(volumeId) }).map((r) => {
        const d = JSON.parse(r.details) as { action?: string; note?: string };
        return { action: d.action ?? '', by: r.username, at: r.at, note: d.note ?? null };
      });
      const { enterpriseId: _unused, ...volume } = v;
      return {
        volume,
        enterprise,
        batch: rows.find((r) => r.batch_uid !== null)?.batch_uid ?? null,
        pages,
        documents: this.stmts.documents.all({ id: volumeId }),
        qa,
      };
    })();
  }

  recordExport(volumeId: number, bagDir: string, batch: string, manifestSha256: string): TransferExport {
    const id = Number(
      this.stmts.insertExport.run({
        volumeId,
        bagDir,
        batch,
        manifest: manifestSha256,
        now: this.now().toISOString(),
      }).lastInsertRowid,
    );
    const row = this.stmts.exportsOf.all({ volumeId }).find((r) => r.id === id);
    if (!row) throw new Error(`export ${id} vanished`);
    return toExport(row);
  }

  exports(filter: { state?: TransferExport['state']; volumeId?: number }): TransferExport[] {
    const rows =
      filter.volumeId !== undefined
        ? this.stmts.exportsOf.all({ volumeId: filter.volumeId })
        : this.stmts.exportsIn.all({ state: filter.state ?? 'awaiting-receipt' });
    return rows.map(toExport).filter((e) => filter.state === undefined || e.state === filter.state);
  }

  /**
   * Records a receipt already checked against a trusted key; closes exports of the same content.
   * Returns false when that receipt was already recorded (replay).
   */
  recordReceipt(r: Omit<StoredReceipt, 'receivedAt'>): boolean {
    return this.db.transaction(() => {
      const now = this.now().toISOString();
      const inserted =
        this.stmts.insertReceipt.run({
          volumeId: r.volumeId,
          manifest: r.manifestSha256,
          version: r.storeVersion,
          via: r.via,
          receipt: JSON.stringify(r.receipt),
          now,
        }).changes === 1;
      this.stmts.markReceived.run({ volumeId: r.volumeId, manifest: r.manifestSha256, now });
      return inserted;
    })();
  }

  receipts(volumeId: number): StoredReceipt[] {
    return this.stmts.receiptsOf.all({ volumeId }).map((r) => ({
      volumeId: r.volume_id,
      manifestSha256: r.manifest_sha256,
      storeVersion: r.store_version,
      via: r.via,
      receipt: JSON.parse(r.receipt) as Json,
      receivedAt: r.received_at,
    }));
  }

  trustStoreKey(keyId: string, publicKey: string, label: string | null = null): void {
    this.stmts.trust.run({ keyId, publicKey, label, now: this.now().toISOString() });
  }

  trustedStoreKeys(): Map<string, string> {
    return new Map(this.stmts.keys.all().map((k) => [k.key_id, k.public_key]));
  }

  uploadUrl(outboxId: number, sha256: string): string | null {
    return this.stmts.uploadUrl.get({ outboxId, sha: sha256 })?.upload_url ?? null;
  }

  setUploadUrl(outboxId: number, sha256: string, url: string): void {
    this.stmts.setUploadUrl.run({ outboxId, sha: sha256, url, now: this.now().toISOString() });
  }

  clearUploads(outboxId: number): void {
    this.stmts.clearUploads.run({ outboxId });
  }

  /** Sets (or clears) the earliest time a failed outbox entry is tried again. */
  retryAfter(outboxId: number, at: Date | null): void {
    this.stmts.setRunAfter.run({ id: outboxId, at: at === null ? null : at.toISOString() });
  }

  /** The earliest time an outbox entry is tried again (null: whenever the uploader next looks). */
  runAfter(outboxId: number): string | null {
    return this.stmts.runAfter.get({ id: outboxId })?.run_after ?? null;
  }

  /** Upload entries ready to run now: queued, or failed with their back-off elapsed. */
  dueUploads(): number[] {
    return this.stmts.due.all({ now: this.now().toISOString() }).map((r) => r.id);
  }
}

interface ExportRow {
  id: number;
  volume_id: number;
  bag_dir: string;
  batch: string;
  manifest_sha256: string;
  state: TransferExport['state'];
  created_at: string;
}

interface ReceiptRow {
  volume_id: number;
  manifest_sha256: string;
  store_version: number;
  via: 'online' | 'offline';
  receipt: string;
  received_at: string;
}

function toExport(r: ExportRow): TransferExport {
  return {
    id: r.id,
    volumeId: r.volume_id,
    bagDir: r.bag_dir,
    batch: r.batch,
    manifestSha256: r.manifest_sha256,
    state: r.state,
    createdAt: r.created_at,
  };
}
