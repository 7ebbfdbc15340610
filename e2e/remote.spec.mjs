// Remote services in the dependency graph, on real Zipkin traces from tests/corpus:
// nodes for what the spans call but nobody instrumented (named in remoteEndpoint, or
// by an http.url host) are drawn with their kind, match `clew analyze --json`, and a
// click on one lists the client spans behind it (a row jumps to its span, "Show in
// waterfall" filters the waterfall to them).
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { eq, ok, waitSpans, open, ready, selectedName, rowNames } from './assert.mjs';

const corpus = (root, rel) => path.join(root, 'tests/corpus', rel);

/** `clew analyze --json` of a file (the release CLI `make test-e2e` builds). */
function analyze(root, file) {
  const out = execFileSync(path.join(root, 'target/release/clew'), ['analyze', '--json', file], { maxBuffer: 1 << 26 });
  return JSON.parse(out.toString());
}

async function load(page, base, file, spans) {
  await open(page, base);
  await page.setInputFiles('[data-testid="file-input"]', file);
  await waitSpans(page, spans);
}

async function graphTab(page) {
  await page.click('[data-testid="tab-graph"]');
  await ready(page, 'graph');
  await page.waitForSelector('[data-testid="graph-node"]');
}

const drawnNodes = (page) => page.$$eval('[data-testid="graph-node"]', els => els.map(e => `${e.dataset.kind} ${e.dataset.id}`).sort());
const drawnEdges = (page) => page.$$eval('[data-testid="graph-edge"]', els => els.map(e => `${e.dataset.from}>${e.dataset.to}`).sort());
const node = (page, id) => page.locator(`[data-testid="graph-node"][data-id="${id}"]`);
const listRows = (page) => page.$$eval('[data-testid="graph-node-span"]', trs => trs.map(tr => [...tr.children].map(td => td.textContent)));

export const tests = [
  {
    name: 'a Kafka-style Zipkin trace draws producer → broker → consumer; the broker lists its client spans',
    fn: async (page, { base, root }) => {
      // MANIFEST #30: 11 spans; transfer-service publishes to rabbitmq, notification-service consumes.
      const file = corpus(root, 'zipkin/messaging-orphans.json');
      const want = analyze(root, file).traces[0].dependency_graph;
      await load(page, base, file, 11);
      await graphTab(page);
      const nodes = await drawnNodes(page);
      eq(JSON.stringify(nodes), JSON.stringify(want.nodes.map(n => `${n.kind} ${n.id}`).sort()), 'the nodes of clew analyze --json');
      ok(nodes.includes('messaging messaging:rabbitmq'), 'the broker is a messaging node');
      const edges = await drawnEdges(page);
      eq(JSON.stringify(edges), JSON.stringify(want.edges.map(e => `${e.from}>${e.to}`).sort()), 'the edges of clew analyze --json');
      ok(edges.includes('service:transfer-service>messaging:rabbitmq'), 'producer → broker');
      ok(edges.includes('messaging:rabbitmq>service:notification-service'), 'broker → consumer');
      ok(!edges.includes('service:transfer-service>service:notification-service'), 'no direct edge');
      eq(await page.$eval('[data-testid="graph-node"][data-id="messaging:rabbitmq"] rect:not(.focus-ring)', el => getComputedStyle(el).stroke), 'rgb(217, 72, 15)', 'messaging style');

      // A click lists the two client spans (the PRODUCER "publish", the CONSUMER "consume").
      eq(await page.locator('[data-testid="graph-node-spans"]').count(), 0, 'no list before a click');
      await node(page, 'messaging:rabbitmq').click();
      await page.waitForSelector('[data-testid="graph-node-spans"][data-node="messaging:rabbitmq"]');
      eq(await page.getAttribute('[data-testid="graph-node-spans"]', 'data-total'), '2', 'two spans');
      eq(await page.textContent('[data-testid="graph-node-spans-heading"]'), '2 client spans call rabbitmq (messaging)', 'heading');
      const rows = await listRows(page);
      eq(JSON.stringify(rows.map(r => [r[0], r[1]])), JSON.stringify([['transfer-service', 'publish'], ['notification-service', 'consume']]), 'rows');
      ok(await node(page, 'messaging:rabbitmq').evaluate(el => el.classList.contains('picked')), 'the node is marked');
      eq(await page.getAttribute('[data-testid="tab-graph"]', 'aria-selected'), 'true', 'still on the graph');
      // A row jumps to its span in the waterfall.
      await page.locator('[data-testid="graph-node-span"]', { hasText: 'consume' }).click();
      await page.waitForSelector('[data-testid="waterfall"]');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await selectedName(page), 'consume', 'the consume span is selected');
    },
  },
  {
    name: 'an uninstrumented backend of a production Zipkin trace is an external node; its list filters the waterfall',
    fn: async (page, { base, root }) => {
      // MANIFEST #36: 175 spans; pusher posts to archiver.st.internal (only in http.url).
      const file = corpus(root, 'zipkin/smartthings-oauth-authorization-175spans.json');
      const want = analyze(root, file).traces[0].dependency_graph;
      ok(want.nodes.some(n => n.id === 'external:archiver.st.internal' && n.kind === 'external'), 'the CLI has the node');
      await load(page, base, file, 175);
      await graphTab(page);
      const nodes = await drawnNodes(page);
      eq(JSON.stringify(nodes), JSON.stringify(want.nodes.map(n => `${n.kind} ${n.id}`).sort()), 'the nodes of clew analyze --json');
      ok((await drawnEdges(page)).includes('service:pusher>external:archiver.st.internal'), 'pusher → archiver');
      const ext = node(page, 'external:archiver.st.internal');
      eq(await ext.locator('rect:not(.focus-ring)').evaluate(el => getComputedStyle(el).stroke), 'rgb(176, 136, 0)', 'external style');
      ok(await page.textContent('.an-legend').then(t => t.includes('external')), 'legend names the kind');
      await ext.click();
      await page.waitForSelector('[data-testid="graph-node-spans"][data-node="external:archiver.st.internal"]');
      const rows = await listRows(page);
      eq(rows.length, 1, 'one client span');
      eq(rows[0][0], 'pusher', 'its service');
      eq(rows[0][1], 'post /events', 'its name');
      // × closes the list; a second click opens it again; "Show in waterfall" filters.
      await page.click('[data-testid="graph-node-spans-close"]');
      await page.waitForSelector('[data-testid="graph-node-spans"]', { state: 'detached' });
      await ext.click();
      await page.waitForSelector('[data-testid="graph-node-spans"]');
      await page.click('[data-testid="graph-node-spans-filter"]');
      await page.waitForSelector('[data-testid="span-filter"]');
      ok((await page.textContent('[data-testid="span-filter"]')).includes('archiver.st.internal'), 'filter label names the node');
      ok((await rowNames(page)).includes('post /events'), 'the client span is kept');
      // A service node still filters the waterfall at once.
      await page.click('[data-testid="clear-filter"]');
      await graphTab(page);
      await node(page, 'service:pusher').click();
      await page.waitForSelector('[data-testid="span-filter"]');
      eq(await page.getAttribute('[data-testid="tab-waterfall"]', 'aria-selected'), 'true', 'waterfall shown');
    },
  },
  {
    name: 'a long client-span list keeps only the rows on screen in the DOM and scrolls to the others',
    fn: async (page, { base, root }) => {
      // MANIFEST: the 1,041-span SmartThings trace; bookie's 120 SQL calls name bookie itself.
      const file = corpus(root, 'zipkin/smartthings-mobile-web-install-1041spans.json');
      await load(page, base, file, 1041);
      await graphTab(page);
      await node(page, 'database:bookie').click();
      await page.waitForSelector('[data-testid="graph-node-spans"][data-node="database:bookie"]');
      eq(await page.getAttribute('[data-testid="graph-node-spans"]', 'data-total'), '120', '120 client spans');
      const drawn = async () => page.$$eval('[data-testid="graph-node-span"]', trs => trs.map(tr => Number(tr.getAttribute('data-span'))));
      const first = await drawn();
      ok(first.length > 0 && first.length <= 20, `only the rows on screen are drawn (${first.length})`);
      // Scrolled to the bottom, the last rows are drawn instead of the first.
      await page.$eval('[data-testid="graph-node-spans"] .an-table-wrap', el => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); });
      await page.waitForFunction((f) => {
        const ids = [...document.querySelectorAll('[data-testid="graph-node-span"]')].map(tr => Number(tr.getAttribute('data-span')));
        return ids.length > 0 && !ids.includes(f);
      }, first[0]);
      ok((await drawn()).length <= 20, 'still only a window of rows');
    },
  },
];
