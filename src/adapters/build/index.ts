export { createProcessRunner, type ProcessRunnerOptions } from './process-runner.js';
export { scanDirectory, scanDirectoryReport, type ScanDirectoryOptions, type ScanDirectoryReport } from './scan-directory.js';
