import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Catalogue, ReceiptBody, SignedReceipt } from '../../core/bagit';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { AuditLog } from '../audit-log';

export interface StoreClient {
  readonly clientId: string;
  readonly bureauCode: string;
}

export interface CommitInput {
  readonly client: StoreClient;
  readonly via: 'online' | 'offline';
  readonly catalogue: Catalogue;
  readonly manifestSha256: string;
  readonly payloadOxum: string;
  readonly bagInfo: readonly { label: string; value: string }[];
  /** Tag files and catalogue.json, by bag path → blob SHA-256 (already durably stored). */
  readonly tagFiles: Readonly<Record<string, string>>;
  /** Every blob the version references, with its size (already durably stored and verified). */
  readonly blobs: ReadonlyMap<string, number>;
  readonly sign: (body: Omit<ReceiptBody, 'keyId'>) => SignedReceipt;
}

/** The volumes a lookup by USCC or 注册号 returns (shape of the workstation's store_index rows). */
export interface LookupEntry {
  readonly uscc: string | null;
  readonly regNo: string | null;
  readonly enterpriseName: string;
  readonly volumeType: string;
  readonly archiveNo: string;
  readonly bureauCode: string;
  readonly year: number;
  readonly registrationDate: string | null;
  readonly volumeUid: string;
  readonly version: number;
}

function fault(code: string, zh: string, en: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, text(zh, en), details);
}

/** The secret is 32 random bytes, so one SHA-256 suffices (no password stretching is needed for it). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * All SQL of the archive store: bureaus and API clients, idempotency records, transfer sessions, blobs,
 * the catalogue of received volumes (versions kept), receipts, lookup, and the audit log every write joins.
 */
export class StoreRepo {
  readonly audit: AuditLog;

  constructor(
    readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.audit = new AuditLog(db, now);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  ensureBureau(code: string, name: string): void {
    this.db
      .prepare('INSERT INTO bureaus (code, name, created_at) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING')
      .run(code, name, this.iso());
  }

  /** Issues a credential bound to a bureau; the secret is returned once and only its hash is kept. */
  addClient(bureauCode: string, label: string | null, secret: string): StoreClient {
    return this.db.transaction(() => {
      const clientId = `ws-${randomUUID()}`;
      this.db
        .prepare(
          'INSERT INTO api_clients (client_id, secret_sha256, bureau_code, label, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(clientId, secretHash(secret), bureauCode, label, this.iso());
      this.audit.append({
        username: 'store-admin',
        action: 'client.add',
        objectType: 'api_client',
        objectId: clientId,
        outcome: 'ok',
        details: { bureauCode, label },
      });
      return { clientId, bureauCode };
    })();
  }

  authenticate(clientId: string, secret: string): StoreClient | null {
    const row = this.db
      .prepare('SELECT secret_sha256, bureau_code, revoked_at FROM api_clients WHERE client_id = ?')
      .get(clientId) as { secret_sha256: string; bureau_code: string; revoked_at: string | null } | undefined;
    const given = Buffer.from(secretHash(secret), 'hex');
    const stored = Buffer.from(row?.secret_sha256 ?? '0'.repeat(64), 'hex');
    const equal = timingSafeEqual(given, stored);
    if (!row || !equal || row.revoked_at !== null) return null;
    return { clientId, bureauCode: row.bureau_code };
  }

  idempotent(clientId: string, key: string): { fingerprint: string; status: number; response: Json } | null {
    const row = this.db
      .prepare('SELECT fingerprint, status, response FROM idempotency WHERE client_id = ? AND key = ?')
      .get(clientId, key) as { fingerprint: string; status: number; response: string } | undefined;
    return row ? { ...row, response: JSON.parse(row.response) as Json } : null;
  }

  remember(clientId: string, key: string, fingerprint: string, status: number, response: Json): void {
    this.db
      .prepare(
        `INSERT INTO idempotency (client_id, key, fingerprint, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (client_id, key) DO NOTHING`,
      )
      .run(clientId, key, fingerprint, status, canonicalJson(response), this.iso());
  }

  openSession(clientId: string, volumeUid: string, files: Json): string {
    const id = randomUUID();
    const at = this.iso();
    this.db
      .prepare(
        `INSERT INTO transfer_sessions (id, client_id, volume_uid, files, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?)`,
      )
      .run(id, clientId, volumeUid, canonicalJson(files), at, at);
    return id;
  }

  session(id: string): { clientId: string; volumeUid: string; files: Json; state: string } | null {
    const row = this.db
      .prepare('SELECT client_id, volume_uid, files, state FROM transfer_sessions WHERE id = ?')
      .get(id) as { client_id: string; volume_uid: string; files: string; state: string } | undefined;
    return row
      ? {
          clientId: row.client_id,
          volumeUid: row.volume_uid,
          files: JSON.parse(row.files) as Json,
          state: row.state,
        }
      : null;
  }

  closeSession(id: string, receiptId: string): void {
    this.db
      .prepare(
        "UPDATE transfer_sessions SET state = 'committed', receipt_id = ?, updated_at = ? WHERE id = ?",
      )
      .run(receiptId, this.iso(), id);
  }

  hasBlob(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?').get(sha256) !== undefined;
  }

  /** Records a blob whose bytes are already durably in the blob folder (idempotent). */
  addBlob(sha256: string, size: number): void {
    this.db
      .prepare(
        'INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
      )
      .run(sha256, size, this.iso());
  }

  /** The receipt already given for this content of this volume, if any (a replayed commit). */
  receiptFor(volumeUid: string, manifestSha256: string): SignedReceipt | null {
    const row = this.db
      .prepare(
        `SELECT r.body, r.signature FROM receipts r JOIN volume_versions vv ON vv.id = r.version_id
         JOIN volumes v ON v.id = vv.volume_id WHERE v.uid = ? AND vv.manifest_sha256 = ?`,
      )
      .get(volumeUid, manifestSha256) as { body: string; signature: string } | undefined;
    return row ? { body: JSON.parse(row.body) as ReceiptBody, signature: row.signature } : null;
  }

  /**
   * Makes a version of a volume visible: enterprise, volume, version, documents, pages and the signed
   * receipt in one IMMEDIATE transaction (all or nothing). The same content again returns the first
   * receipt and writes nothing; changed content becomes the next version, earlier ones kept.
   */
  commitVersion(input: CommitInput): { receipt: SignedReceipt; created: boolean } {
    const { catalogue: c, client } = input;
    // Checked (and the refusal audited) outside the transaction, which a refusal would roll back.
    if (c.volume.bureauCode !== client.bureauCode) {
      this.audit.append({
        username: client.clientId,
        action: 'volume.commit',
        objectType: 'volume',
        objectId: c.volume.uid,
        outcome: 'denied',
        details: { bureauCode: c.volume.bureauCode, clientBureau: client.bureauCode },
      });
      throw fault(
        'store.wrong-bureau',
        `本工作站属于 ${client.bureauCode}，不能写入 ${c.volume.bureauCode} 的案卷`,
        `This workstation belongs to bureau ${client.bureauCode}; it cannot write volumes of ${c.volume.bureauCode}`,
        { clientBureau: client.bureauCode, volumeBureau: c.volume.bureauCode },
      );
    }
    return this.db
      .transaction(() => {
        const replay = this.receiptFor(c.volume.uid, input.manifestSha256);
        if (replay) return { receipt: replay, created: false };
        for (const [sha, size] of input.blobs) this.addBlob(sha, size);
        for (const sha of Object.values(input.tagFiles)) {
          if (!this.hasBlob(sha))
            throw fault('store.blob-missing', `缺少文件 ${sha}`, `Blob ${sha} is missing`);
        }
        const at = this.iso();
        const enterpriseId = this.upsertEnterprise(c.enterprise, at);
        this.linkCodes(enterpriseId, c.enterprise.codes ?? [], client, c.volume.uid, at);
        const byNo = this.db
          .prepare('SELECT uid FROM volumes WHERE archive_no = ?')
          .get(c.volume.archiveNo) as { uid: string } | undefined;
        if (byNo && byNo.uid !== c.volume.uid) {
          throw fault(
            'store.archive-no-taken',
            `档号 ${c.volume.archiveNo} 已属于另一案卷`,
            `Archive number ${c.volume.archiveNo} belongs to another volume`,
            { archiveNo: c.volume.archiveNo },
          );
        }
        const existing = this.db
          .prepare('SELECT id, current_version, bureau_code FROM volumes WHERE uid = ?')
          .get(c.volume.uid) as { id: number; current_version: number; bureau_code: string } | undefined;
        let volumeId: number;
        let version: number;
        if (existing) {
          version = existing.current_version + 1;
          volumeId = existing.id;
          this.db
            .prepare(
              `UPDATE volumes SET enterprise_id = ?, archive_no = ?, volume_type = ?, year = ?, registration_date = ?,
                 current_version = ?, updated_at = ? WHERE id = ?`,
            )
            .run(
              enterpriseId,
              c.volume.archiveNo,
              c.volume.volumeType,
              c.volume.year,
              c.volume.registrationDate,
              version,
              at,
              volumeId,
            );
        } else {
          version = 1;
          volumeId = Number(
            this.db
              .prepare(
                `INSERT INTO volumes (uid, enterprise_id, archive_no, volume_type, year, registration_date, bureau_code,
                   current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
              )
              .run(
                c.volume.uid,
                enterpriseId,
                c.volume.archiveNo,
                c.volume.volumeType,
                c.volume.year,
                c.volume.registrationDate,
                c.volume.bureauCode,
                at,
                at,
              ).lastInsertRowid,
          );
        }
        const catalogueSha = input.tagFiles['data/catalogue.json'];
        if (catalogueSha === undefined)
          throw fault('store.catalogue-missing', '缺少目录', 'catalogue.json missing');
        const versionId = Number(
          this.db
            .prepare(
              `INSERT INTO volume_versions (volume_id, version, manifest_sha256, declared_pages, payload_oxum, bag_info,
                 tag_files, catalogue_sha256, client_id, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              volumeId,
              version,
              input.manifestSha256,
              c.volume.declaredPages,
              input.payloadOxum,
              canonicalJson(input.bagInfo),
              canonicalJson(input.tagFiles),
              catalogueSha,
              client.clientId,
              input.via,
              at,
            ).lastInsertRowid,
        );
        const insDoc = this.db.prepare(
          `INSERT INTO documents (version_id, seq, type_code, title, doc_date, responsible, first_page, last_page)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const d of c.documents) {
          insDoc.run(
            versionId,
            d.seq,
            d.typeCode,
            d.title,
            d.docDate,
            d.responsible,
            d.firstPage,
            d.lastPage,
          );
        }
        const insPage = this.db.prepare(
          'INSERT INTO pages (version_id, seq, file, blob_sha256, media_type, meta) VALUES (?, ?, ?, ?, ?, ?)',
        );
        for (const p of c.pages) {
          const { seq, file, sha256, mediaType, ...meta } = p;
          insPage.run(versionId, seq, file, sha256, mediaType, canonicalJson(meta));
        }
        const record = this.audit.append({
          username: client.clientId,
          action: 'volume.commit',
          objectType: 'volume',
          objectId: c.volume.uid,
          outcome: 'ok',
          details: {
            archiveNo: c.volume.archiveNo,
            version,
            manifestSha256: input.manifestSha256,
            pages: c.pages.length,
            via: input.via,
          },
        });
        const receipt = input.sign({
          format: 'dangan-receipt/1',
          receiptId: randomUUID(),
          volumeUid: c.volume.uid,
          archiveNo: c.volume.archiveNo,
          bureauCode: c.volume.bureauCode,
          version,
          manifestSha256: input.manifestSha256,
          payloadOxum: input.payloadOxum,
          pages: c.pages.length,
          committedAt: at,
          auditHash: record.hash,
        });
        this.db
          .prepare(
            'INSERT INTO receipts (receipt_id, version_id, body, signature, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(receipt.body.receiptId, versionId, canonicalJson(receipt.body), receipt.signature, at);
        return { receipt, created: true };
      })
      .immediate();
  }

  /**
   * Links the other codes a workstation knows for the volume's enterprise (catalogue.json
   * `enterprise.codes`): a code the store does not know becomes an alias; a code naming another store
   * record (say a 注册号 record committed before the workstation merged it into the USCC one) merges that
   * record into this one, audited under the client. Both ids are already resolved along merges, so no
   * loop can form.
   */
  private linkCodes(
    enterpriseId: number,
    codes: readonly { kind: 'uscc' | 'regno'; value: string }[],
    client: StoreClient,
    volumeUid: string,
    at: string,
  ): void {
    for (const code of codes) {
      const other = this.findEnterprise(code.value);
      if (other === enterpriseId) continue;
      if (other === null) {
        this.addAlias(enterpriseId, code.kind, code.value);
        continue;
      }
      this.db
        .prepare(
          'INSERT INTO enterprise_merges (from_enterprise_id, into_enterprise_id, reason, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(other, enterpriseId, `workstation merge (${code.kind} ${code.value}, volume ${volumeUid})`, at);
      this.audit.append({
        username: client.clientId,
        action: 'enterprise.merge',
        objectType: 'enterprise',
        objectId: other,
        outcome: 'ok',
        details: { intoId: enterpriseId, code: code.value, volumeUid },
      });
    }
  }

  private upsertEnterprise(e: Catalogue['enterprise'], at: string): number {
    const found = this.findEnterprise(e.uscc) ?? this.findEnterprise(e.regNo);
    if (found !== null) {
      const row = this.db.prepare('SELECT uscc, reg_no FROM enterprises WHERE id = ?').get(found) as {
        uscc: string | null;
        reg_no: string | null;
      };
      // A 注册号-only record that now arrives with its USCC (or the reverse) gains the other key.
      if (row.uscc === null && e.uscc !== null && this.findEnterprise(e.uscc) === null)
        this.db
          .prepare('UPDATE enterprises SET uscc = ?, updated_at = ? WHERE id = ?')
          .run(e.uscc, at, found);
      if (row.reg_no === null && e.regNo !== null && this.findEnterprise(e.regNo) === null)
        this.db
          .prepare('UPDATE enterprises SET reg_no = ?, updated_at = ? WHERE id = ?')
          .run(e.regNo, at, found);
      return found;
    }
    return Number(
      this.db
        .prepare(
          'INSERT INTO enterprises (uscc, reg_no, name, bureau_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(e.uscc, e.regNo, e.name, e.bureauCode, at, at).lastInsertRowid,
    );
  }

  /** The enterprise a USCC or 注册号 names: its own column, or an alias; follows active merges. */
  findEnterprise(code: string | null): number | null {
    if (code === null) return null;
    const row = this.db
      .prepare(
        // An enterprise's own code wins over another record's alias; a UNION alone leaves the order open.
        `SELECT id, 0 AS pref FROM enterprises WHERE uscc = @c OR reg_no = @c
         UNION SELECT enterprise_id, 1 AS pref FROM enterprise_aliases
           WHERE kind IN ('uscc', 'regno') AND value = @c
         ORDER BY pref, id LIMIT 1`,
      )
      .get({ c: code }) as { id: number } | undefined;
    if (!row) return null;
    let id = row.id;
    for (let hops = 0; hops < 20; hops++) {
      const m = this.db
        .prepare(
          'SELECT into_enterprise_id FROM enterprise_merges WHERE from_enterprise_id = ? AND undone_at IS NULL',
        )
        .get(id) as { into_enterprise_id: number } | undefined;
      if (!m) break;
      id = m.into_enterprise_id;
    }
    return id;
  }

  addAlias(enterpriseId: number, kind: 'uscc' | 'regno' | 'name', value: string): void {
    this.db
      .prepare(
        'INSERT INTO enterprise_aliases (enterprise_id, kind, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(enterpriseId, kind, value, this.iso());
  }

  merge(fromId: number, intoId: number, reason: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO enterprise_merges (from_enterprise_id, into_enterprise_id, reason, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(fromId, intoId, reason, this.iso());
      this.audit.append({
        username: 'store-admin',
        action: 'enterprise.merge',
        objectType: 'enterprise',
        objectId: fromId,
        outcome: 'ok',
        details: { intoId, reason },
      });
    })();
  }

  /** Volumes of the enterprise a USCC or 注册号 names, including records merged into it. */
  lookup(code: string): LookupEntry[] {
    const id = this.findEnterprise(code);
    if (id === null) return [];
    return this.db
      .prepare(
        `WITH RECURSIVE family(id) AS (
             SELECT @id
             UNION SELECT m.from_enterprise_id FROM enterprise_merges m JOIN family f ON m.into_enterprise_id = f.id
             WHERE m.undone_at IS NULL
           )
           SELECT e.uscc, e.reg_no AS regNo, e.name AS enterpriseName, v.volume_type AS volumeType,
             v.archive_no AS archiveNo, v.bureau_code AS bureauCode, v.year, v.registration_date AS registrationDate,
             v.uid AS volumeUid, v.current_version AS version
           FROM volumes v JOIN enterprises e ON e.id = v.enterprise_id
           WHERE v.enterprise_id IN (SELECT id FROM family) ORDER BY v.year, v.volume_type, v.archive_no`,
      )
      .all({ id }) as LookupEntry[];
  }

  /** A volume's versions with their pages (for queries and checks). */
  volume(uid: string): {
    uid: string;
    archiveNo: string;
    currentVersion: number;
    versions: { version: number; manifestSha256: string; pages: { seq: number; sha256: string }[] }[];
  } | null {
    const v = this.db
      .prepare('SELECT id, uid, archive_no, current_version FROM volumes WHERE uid = ?')
      .get(uid) as { id: number; uid: string; archive_no: string; current_version: number } | undefined;
    if (!v) return null;
    const versions = this.db
      .prepare(
        'SELECT id, version, manifest_sha256 FROM volume_versions WHERE volume_id = ? ORDER BY version',
      )
      .all(v.id) as { id: number; version: number; manifest_sha256: string }[];
    const pages = this.db.prepare(
      'SELECT seq, blob_sha256 AS sha256 FROM pages WHERE version_id = ? ORDER BY seq',
    );
    return {
      uid: v.uid,
      archiveNo: v.archive_no,
      currentVersion: v.current_version,
      versions: versions.map((x) => ({
        version: x.version,
        manifestSha256: x.manifest_sha256,
        pages: pages.all(x.id) as { seq: number; sha256: string }[],
      })),
    };
  }

  /** Every visible volume's current version with its page rows counted (a partial volume would show). */
  visibleVolumes(): { uid: string; version: number; pages: number; declaredPages: number | null }[] {
    return this.db
      .prepare(
        `SELECT v.uid, vv.version, vv.declared_pages AS declaredPages,
           (SELECT count(*) FROM pages p WHERE p.version_id = vv.id) AS pages
         FROM volumes v JOIN volume_versions vv ON vv.volume_id = v.id AND vv.version = v.current_version
         ORDER BY v.id`,
      )
      .all() as { uid: string; version: number; pages: number; declaredPages: number | null }[];
  }

  counts(): { volumes: number; versions: number; pages: number; receipts: number } {
    const n = (t: string) => Number(this.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
    return {
      volumes: n('volumes'),
      versions: n('volume_versions'),
      pages: n('pages'),
      receipts: n('receipts'),
    };
  }
}
