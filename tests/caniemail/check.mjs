// Reads each HTML file given and prints, as JSON, the caniemail.com errors (features a client does
// not support) per file: { "<file>": { "<feature>": ["<client>", ...] } }, for the clients most
// readers use: Outlook for Windows, Gmail, Apple Mail and Yahoo. Run by EmailClientSupportTests.
import { caniemail } from 'caniemail';
import { readFileSync } from 'node:fs';

const clients = ['outlook.windows', 'gmail.*', 'apple-mail.*', 'yahoo.*'];
const report = {};
for (const file of process.argv.slice(2)) {
  const { issues } = caniemail({ clients, html: readFileSync(file, 'utf8') });
  const errors = {};
  for (const [client, found] of issues.errors instanceof Map ? issues.errors : Object.entries(issues.errors ?? {})) {
    for (const issue of found) {
      (errors[issue.title] ??= new Set()).add(client);
    }
  }
  report[file] = Object.fromEntries(Object.entries(errors).map(([feature, clients]) => [feature, [...clients]]));
}
console.log(JSON.stringify(report));
