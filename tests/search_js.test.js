// search.js without a browser: its tokenizer gives the tokens Rust's
// gongkai::portal::search::tokens gives (the same cases are asserted in
// tests/search.rs, which also compares both on many texts when node is
// installed), and its search ranks like Rust's.
// Run: node --test tests/search_js.test.js
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const api = require(path.join(__dirname, '..', 'themes', 'default', 'portal', 'static', 'search.js'));

// The same strings and expectations as tests/search.rs.
const CASES = [
  ['人大三公经费', ['人大', '大三', '三公', '公经', '经费']],
  ['2022年XBRL', ['2022', '年', 'xbrl']],
  ['“三公”经费', ['三公', '公经', '经费']],
  ['２０２２年ＸＢＲＬ', ['2022', '年', 'xbrl']],
  ['12.50万元，二〇二二𠀀𠀁', ['12', '50', '万元', '二〇', '〇二', '二二', '二𠀀', '𠀀𠀁']],
];

for (const [text, expected] of CASES) {
  test(`tokens(${JSON.stringify(text)})`, () => {
    assert.deepEqual(api.tokens(text), expected);
  });
}

test('punctuation only and empty text have no tokens', () => {
  assert.deepEqual(api.tokens('  ，。！  '), []);
  assert.deepEqual(api.tokens(''), []);
  assert.deepEqual(api.tokens('かな한글café'), ['caf']);
});

// An index of three documents in the format build_index writes (one
// shard): values are count * 2 + (1 when the title has the token); 育 sums
// the tokens containing it (教育).
function files(docs, postings) {
  return {
    'search/meta.json': { v: 2, docs: docs.length, shards: 1, chunk: 64 },
    'search/t/0.json': postings,
    'search/d/0.json': docs,
  };
}

const INDEX = files(
  [
    { u: '2022/', t: '2022年部门预算及三公经费公开', y: 2022, d: '', s: '' },
    { u: '2022/101/', t: '张家口市人大常委会办公室2022年部门预算', y: 2022, d: '张家口市人民代表大会常务委员会办公室', s: '' },
    { u: '2022/201/', t: '张家口市教育局2022年部门预算', y: 2022, d: '张家口市教育局', s: '' },
  ],
  {
    '人大': [0, 2, 1, 7],
    '三公': [0, 3, 1, 2, 2, 6],
    '公经': [0, 3, 1, 2, 2, 6],
    '经费': [0, 3, 1, 6, 2, 6],
    '教育': [0, 2, 2, 7],
    '育': [0, 2, 2, 7],
  },
);

test('shardOf is FNV-1a over code points, as in Rust', () => {
  assert.equal(api.shardOf('', 2 ** 31), 0x811c9dc5 % 2 ** 31);
  assert.equal(api.shardOf('a', 1000), 0xe40c292c % 1000);
  assert.equal(api.shardOf('人大', 1), 0);
});

test('search ranks title matches first, then frequency', () => {
  assert.deepEqual(api.search(INDEX, '三公经费'), ['2022/', '2022/201/', '2022/101/']);
  assert.deepEqual(api.search(INDEX, '人大'), ['2022/101/', '2022/']);
});

test('every query token must match; none gives nothing', () => {
  assert.deepEqual(api.search(INDEX, '养老保险'), []);
  assert.deepEqual(api.search(INDEX, '人大 教育'), ['2022/']);
  assert.deepEqual(api.search(INDEX, '，'), []);
  assert.deepEqual(api.search(INDEX, 'constructor'), []);
  assert.deepEqual(api.search(INDEX, '__proto__'), []);
});

test('a lone character matches inside bigrams', () => {
  assert.deepEqual(api.search(INDEX, '育'), ['2022/201/', '2022/']);
});

// ---- Rendering, with a minimal fake DOM (no browser, no dependencies) ----

class FakeElement {
  constructor(tagName) {
    this.tagName = tagName.toUpperCase();
    this.children = [];
    this.attributes = {};
    this.listeners = {};
    this.ownText = '';
  }
  appendChild(child) { this.children.push(child); return child; }
  get textContent() { return this.ownText + this.children.map((c) => c.textContent).join(''); }
  set textContent(value) { this.children = []; this.ownText = String(value); }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  removeAttribute(name) { delete this.attributes[name]; }
  addEventListener(type, f) { (this.listeners[type] = this.listeners[type] || []).push(f); }
  querySelector(selector) { return selector === 'input[name="q"]' ? this.input || null : null; }
  find(tagName) {
    const found = [];
    const walk = (node) => {
      if (node.tagName === tagName) found.push(node);
      (node.children || []).forEach(walk);
    };
    walk(this);
    return found;
  }
}

const DOM_INDEX = files(
  [
    { u: '2022/101/', t: '人大常委会“三公”经费', y: 2022, d: '人大常委会', s: '财政拨款“三公”经费预算12万元' },
    { u: 'javascript:alert(1)', t: '<b>三公经费</b>', y: 2022, d: '', s: '' },
  ],
  {
    '三公': [0, 3, 1, 3],
    '公经': [0, 3, 1, 3],
    '经费': [0, 3, 1, 3],
  },
);

async function withPage(query, body) {
  const form = new FakeElement('form');
  form.input = new FakeElement('input');
  form.input.value = '';
  const out = new FakeElement('div');
  const fetched = [];
  const saved = { document: global.document, window: global.window, fetch: global.fetch };
  global.document = {
    readyState: 'complete',
    documentElement: { dataset: { root: '../../' } },
    getElementById: (id) => ({ search: form, 'search-results': out })[id] || null,
    createElement: (tag) => new FakeElement(tag),
    createTextNode: (text) => ({ nodeType: 3, textContent: String(text) }),
    addEventListener() {},
  };
  const href = 'https://example.test/2022/' + (query === null ? '' : '?q=' + encodeURIComponent(query));
  global.window = {
    location: { href, search: new URL(href).search },
    history: { replaceState(state, title, url) { global.window.location.href = url; } },
  };
  global.fetch = (url) => {
    fetched.push(url);
    const rel = url.replace(/^\.\.\/\.\.\//, '');
    if (!(rel in DOM_INDEX)) return Promise.resolve({ ok: false, status: 404 });
    return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(DOM_INDEX[rel]) });
  };
  const file = require.resolve(path.join(__dirname, '..', 'themes', 'default', 'portal', 'static', 'search.js'));
  delete require.cache[file];
  try {
    require(file);
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    await body({ form, out, fetched, settle });
  } finally {
    Object.assign(global, saved);
    delete require.cache[file];
  }
}

test('?q= on load renders linked, highlighted results from the index at the root', async () => {
  await withPage('三公经费', async ({ form, out, fetched }) => {
    assert.deepEqual(fetched, ['../../search/meta.json', '../../search/t/0.json', '../../search/d/0.json']);
    assert.equal(form.input.value, '三公经费');
    assert.match(out.children[0].textContent, /找到 2 条结果/);
    const links = out.find('A');
    assert.equal(links.length, 2);
    assert.equal(links[0].getAttribute('href'), '../../2022/101/');
    assert.equal(links[0].textContent, '人大常委会“三公”经费');
    assert.deepEqual(links[0].find('MARK').map((m) => m.textContent), ['三公”经费']);
    // A url with a scheme gets no href; markup in data stays text.
    assert.equal(links[1].getAttribute('href'), null);
    assert.equal(links[1].find('B').length, 0);
    assert.equal(links[1].textContent, '<b>三公经费</b>');
    const snippet = out.find('P').find((p) => p.className === 'search-snippet');
    assert.deepEqual(snippet.find('MARK').map((m) => m.textContent), ['三公”经费']);
    assert.match(out.textContent, /2022年 · 人大常委会/);
  });
});

test('submitting searches in place; nothing found says 未找到', async () => {
  await withPage(null, async ({ form, out, settle }) => {
    assert.equal(out.children.length, 0, 'nothing rendered without a query');
    form.input.value = '养老保险';
    let prevented = false;
    form.listeners.submit.forEach((f) => f({ preventDefault() { prevented = true; } }));
    await settle();
    await settle();
    assert.ok(prevented);
    assert.match(out.textContent, /未找到/);
    assert.equal(out.find('A').length, 0);
    assert.match(global.window.location.href, /\?q=%E5%85%BB/);
  });
});
