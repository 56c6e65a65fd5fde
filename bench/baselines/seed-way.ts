/**
 * Baseline 1 ("seed's way" in the report): what the Domo documentation's upload example does, in a loop — one fetch with
 * a FormData body per file (header X-DOMO-Developer-Token, part `file` and part `createFileRequest`),
 * each awaited before the next, every file uploaded every time. Run as a child process:
 *   node dist/bench/baselines/seed-way.js BASE_URL FILESET_ID CORPUS_DIR LIST_FILE   (token in DOMO_DEVELOPER_TOKEN)
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

async function main(): Promise<void> {
  const [baseUrl, fileSetId, corpusDir, listFile] = process.argv.slice(2);
  const token = process.env.DOMO_DEVELOPER_TOKEN ?? '';
  const files = (await readFile(listFile, 'utf8')).split('\n').filter(Boolean);
  let uploaded = 0;
  for (const rel of files) {
    const bytes = await readFile(path.join(corpusDir, rel));
    const formdata = new FormData();
    const slash = rel.lastIndexOf('/');
    formdata.append('file', new Blob([bytes]), rel.slice(slash + 1));
    formdata.append('createFileRequest', JSON.stringify({ directoryPath: slash < 0 ? '' : rel.slice(0, slash) }));
    const response = await fetch(`${baseUrl}/api/files/v1/filesets/${fileSetId}/files`, {
      method: 'POST',
      headers: { 'X-DOMO-Developer-Token': token },
      body: formdata,
      redirect: 'follow',
    });
    const result = (await response.json()) as { path?: string };
    if (!response.ok) throw new Error(`upload of ${rel} answered ${response.status}`);
    if (result.path !== rel) throw new Error(`upload of ${rel} landed at ${result.path}`);
    uploaded++;
  }
  process.stdout.write(`${JSON.stringify({ uploaded })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`seed-way: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
