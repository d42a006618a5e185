export * from './transcript.js';
export * from './media.js';
export * from './meta.js';
export * from './finding.js';
export * from './session.js';
export * from './report.js';
export * from './speakers.js';
