/** The machine report: exactly the loader's Report document, one JSON document, nothing else on stdout. */
import type { Report } from '../../loader/types';

/** Serializes the report as pretty JSON followed by a newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
