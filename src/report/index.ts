// report/: the report.json schema and validation, and the report.html auditor page.
export { renderReportHtml, type RenderOptions } from './html.js';
export {
  REPORT_JSON_SCHEMA,
  REPORT_SCHEMA_ID,
  REPORT_SCHEMA_VERSION,
  validateReport,
  validateReportFile,
  type ValidationResult,
} from './schema.js';
export { messages, type Lang, type Messages } from './i18n.js';
