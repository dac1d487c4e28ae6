import { Flags } from '../oclif.js';
import { parsePhases, pipelineStages, runPipeline, PUSH_TARGETS, type PipelineResult, type PushTargetName } from '@mixtape/pipeline';
import { MixtapeError } from '@mixtape/core';
import { MixtapeCommand } from '../base-command.js';
import { renderTable } from '../render.js';

export default class Run extends MixtapeCommand<typeof Run> {
  static override summary = 'Run the pipeline in phases: export, enrich, train, publish, pull, push';
  static override description = 'The whole plan is checked before anything runs (logins, federation membership, push targets). A failed stage stops the run; running the same phases again resumes at the stage that failed. The pull phase installs the federation\'s latest global model when this machine has joined one; outside a federation, or with the hub down, it says so and the run goes on. Ends with a table of stage, rows in, rows out and time.';
  static override examples = [
    '<%= config.bin %> run --phases enrich,train,push',
    '<%= config.bin %> run --phases export,enrich,train,publish,pull,push --push-to m3u8,subsonic',
    '<%= config.bin %> run --phases train,push --fresh',
  ];
  static override flags = {
    phases: Flags.string({ default: 'export,enrich,train,publish,pull,push', description: 'comma-separated phases, run in pipeline order' }),
    'push-to': Flags.string({ default: 'm3u8', description: `push targets for the recommendations: ${PUSH_TARGETS.join(', ')}` }),
    count: Flags.integer({ default: 50, min: 1, description: 'how many tracks the push phase recommends' }),
    fresh: Flags.boolean({ description: 'start over instead of resuming a failed run of the same phases' }),
    'state-dir': Flags.string({ description: 'Federation folder for publish, pull and the blended recommendations (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<PipelineResult> {
    const phases = parsePhases(this.flags.phases);
    const pushTo = this.flags['push-to'].split(',').map((s) => s.trim()).filter(Boolean) as PushTargetName[];
    const result = await runPipeline(phases, pipelineStages({ pushTo, count: this.flags.count, ...(this.flags['state-dir'] ? { stateDir: this.flags['state-dir'] } : {}) }), {
      store: this.storeOptions(),
      onProgress: this.progress(),
      ...(this.flags.fresh ? { fresh: true } : {}),
    });
    if (!this.jsonEnabled()) {
      if (result.resumed) this.log(`resumed pipeline ${result.pipelineId} at the stage that failed`);
      this.log(renderTable(result.stages.map((s) => ({ stage: s.stage, status: s.status, 'rows in': s.rowsIn, 'rows out': s.rowsOut, 'time (s)': s.seconds?.toFixed(1) ?? '', detail: s.detail })), undefined, 90));
    }
    if (!result.ok) {
      const failed = result.stages.find((s) => s.status === 'failed')!;
      if (this.jsonEnabled()) this.logJson(result);
      throw new MixtapeError('stage_failed', `The ${failed.stage} stage failed: ${failed.detail}`, { suggestion: `fix the cause and run the same command again: it resumes at ${failed.stage}` });
    }
    return result;
  }
}
