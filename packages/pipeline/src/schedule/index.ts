export { addSchedule, jobArgs, listSchedules, missedRuns, parseCron, removeSchedule, SCHEDULABLE, BUILTIN_SCHEDULES, builtinSchedule, type Schedule } from './schedules.js';
export { runDaemon, type DaemonEvent, type DaemonOptions } from './daemon.js';
export { installDaemon, type InstallResult } from './install.js';
