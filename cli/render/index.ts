/** Picks the renderer for a --format value; renderers are pure (report in, string out). */
import type { Report } from '../../loader/types';
import type { Colors } from '../io';
import type { Format } from '../validate';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import type { ReportKind } from './summary';
import { renderText } from './text';

export type { ReportKind } from './summary';

/** Renders a plan/apply report in the requested format. */
export function renderReport(report: Report, format: Format, kind: ReportKind, color: Colors): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report, { kind });
    default:
      return renderText(report, { kind, color });
  }
}
