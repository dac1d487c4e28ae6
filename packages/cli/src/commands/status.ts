import type { StoreStatus } from '@mixtape/pipeline/store';
import { MixtapeCommand } from '../base-command.js';
import { LIGHT_STORE_THREADS } from '../early-store.js';
import { renderTable } from '../render.js';

export default class Status extends MixtapeCommand<typeof Status> {
  static override summary = 'Show what is in your Mixtape database: rows per table and source, the range of plays, the last runs';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  async run(): Promise<StoreStatus> {
    const { storeStatus, withStore } = await import('@mixtape/pipeline/store');
    const status = await withStore(this.storeOptions({ threads: LIGHT_STORE_THREADS }), (store) => storeStatus(store));
    if (!this.jsonEnabled()) {
      this.log(`database: ${status.database}`);
      this.log(renderTable(status.tables));
      this.log('');
      this.log(`plays from ${status.plays.first ?? '-'} to ${status.plays.last ?? '-'}`);
      if (status.plays.bySource.length) this.log(renderTable(status.plays.bySource));
      this.log('');
      this.log(status.runs.length ? renderTable(status.runs) : 'no runs yet');
      const c = status.httpCache;
      this.log('');
      this.log(`HTTP cache: ${c.entries} answers (${c.notFound} not found, ${c.expired} expired), ${(c.bytes / 1024).toFixed(0)} KiB`);
      if (c.services.length) this.log(renderTable(c.services.map((s) => ({ service: s.service, hits: s.hits, misses: s.misses, 'hit rate': `${(s.hitRate * 100).toFixed(1)} %` }))));
    }
    return status;
  }
}
