// Personal data in what dualrec writes: one module, so every output masks the same way (see mask.ts).
export {
  classifyNumber,
  collectNumbers,
  luhnValid,
  mapStrings,
  maskText,
  maskTextWith,
  personalNumbers,
  validIdChecksum,
  type PersonalNumberKind,
} from './mask.js';
export { maskReport, maskSegments, maskTranscript, maskValue } from './report.js';
