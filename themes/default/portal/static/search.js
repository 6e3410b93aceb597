/* gongkai offline search: searches search-index.json in the browser.
 *
 * Progressive enhancement: without JavaScript, <form id="search"> submits
 * (GET ?q=) to its page as usual. With it, the form's submission and a ?q= in
 * the address are answered in <div id="search-results"> from the static index
 * at the site root (document.documentElement.dataset.root, e.g. "../../").
 * No dependencies, no eval, no inline handlers, no innerHTML with data.
 *
 * The tokenizer and ranking are the ones of src/portal/search.rs and must stay
 * identical to them (tests/search.rs compares both when node is installed):
 *   - CJK ideographs (U+3007, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
 *     U+20000-323AF) form runs: a run of 2+ characters gives its overlapping
 *     bigrams, a run of 1 character gives that character;
 *   - ASCII letters/digits and their full-width forms form lowercase words;
 *   - quotation and book-title marks (" ＂ “ ” ‘ ’ 「 」 『 』 《 》 〈 〉) are
 *     dropped without separating (“三公”经费 → 三公经费);
 *   - everything else separates and is dropped.
 * A document matches when it holds every (distinct) query token; a query
 * token that is one CJK character matches every index token containing it.
 * Ranking: title hits desc, then summed frequency desc, then index order.
 */
(function () {
  'use strict';

  var MAX_SHOWN = 50;

  function isCjk(cp) {
    return cp === 0x3007 ||
      (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0x20000 && cp <= 0x323af);
  }

  // Full-width digits/letters to ASCII, ASCII letters to lower case.
  function fold(cp) {
    if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a)) {
      cp -= 0xfee0;
    }
    if (cp >= 0x41 && cp <= 0x5a) cp += 0x20;
    return cp;
  }

  // Dropped without ending a run: " ＂ “ ” ‘ ’ 〈 〉 《 》 「 」 『 』.
  function isTransparent(cp) {
    return cp === 0x22 || cp === 0xff02 || (cp >= 0x2018 && cp <= 0x2019) ||
      (cp >= 0x201c && cp <= 0x201d) || (cp >= 0x3008 && cp <= 0x300b) || (cp >= 0x300c && cp <= 0x300f);
  }

  function isWord(cp) {
    return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);
  }

  // The runs of a text: [{cjk: bool, chars: [code point strings]}].
  function runs(text) {
    var out = [];
    var cur = null;
    for (var ch of String(text)) {
      var cp = fold(ch.codePointAt(0));
      var cjk;
      if (isWord(cp)) cjk = false;
      else if (isCjk(cp)) cjk = true;
      else if (isTransparent(cp)) continue;
      else { cur = null; continue; }
      if (!cur || cur.cjk !== cjk) {
        cur = { cjk: cjk, chars: [] };
        out.push(cur);
      }
      cur.chars.push(String.fromCodePoint(cp));
    }
    return out;
  }

  function tokens(text) {
    var out = [];
    runs(text).forEach(function (run) {
      var c = run.chars;
      if (!run.cjk) out.push(c.join(''));
      else if (c.length === 1) out.push(c[0]);
      else for (var i = 0; i + 1 < c.length; i++) out.push(c[i] + c[i + 1]);
    });
    return out;
  }

  function queryTokens(query) {
    var seen = new Set();
    return tokens(query).filter(function (t) {
      if (seen.has(t)) return false;
      seen.add(t);
      return true;
    });
  }

  function loneCjk(token) {
    var c = Array.from(token);
    return c.length === 1 && isCjk(c[0].codePointAt(0)) ? c[0] : null;
  }

  function matches(q, t) {
    var c = loneCjk(q);
    return c !== null ? t.indexOf(c) !== -1 : q === t;
  }

  // Parsed JSON → {docs, postings: Map, keys: [tokens]} (a Map, so tokens
  // such as "constructor" or "__proto__" never meet Object.prototype).
  function prepare(raw) {
    if (raw && raw.postings instanceof Map) return raw;
    var postings = new Map();
    var p = (raw && raw.postings) || {};
    Object.keys(p).forEach(function (k) { postings.set(k, p[k]); });
    return { docs: (raw && raw.docs) || [], postings: postings, keys: Array.from(postings.keys()) };
  }

  // Doc indices of the matches, best first.
  function rank(index, query) {
    index = prepare(index);
    var qs = queryTokens(query);
    if (!qs.length) return [];
    var found = null;
    qs.forEach(function (q) {
      var freq = new Map();
      var add = function (list) {
        list.forEach(function (pair) { freq.set(pair[0], (freq.get(pair[0]) || 0) + pair[1]); });
      };
      if (loneCjk(q) !== null) {
        index.keys.forEach(function (t) { if (matches(q, t)) add(index.postings.get(t)); });
      } else if (index.postings.has(q)) {
        add(index.postings.get(q));
      }
      if (found === null) { found = freq; return; }
      var next = new Map();
      found.forEach(function (f, doc) { if (freq.has(doc)) next.set(doc, f + freq.get(doc)); });
      found = next;
    });
    var ranked = [];
    found.forEach(function (freq, doc) {
      if (doc < 0 || doc >= index.docs.length) return;
      var title = tokens(index.docs[doc].t);
      var hits = qs.filter(function (q) { return title.some(function (t) { return matches(q, t); }); }).length;
      ranked.push([hits, freq, doc]);
    });
    ranked.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1] || a[2] - b[2]; });
    return ranked.map(function (r) { return r[2]; });
  }

  // Urls of the matches, best first (like search() in search.rs).
  function search(index, query) {
    index = prepare(index);
    return rank(index, query).map(function (doc) { return index.docs[doc].u; });
  }

  // ---- Rendering (browser only) ----

  // The query's runs as strings to highlight, longest first.
  function terms(query) {
    var seen = new Set();
    return runs(query).map(function (r) { return r.chars.join(''); })
      .filter(function (t) { if (seen.has(t)) return false; seen.add(t); return true; })
      .sort(function (a, b) { return b.length - a.length; });
  }

  // Appends `text` to `parent`, the query's terms wrapped in <mark>. Terms
  // are sought in the text folded like the tokenizer folds it (full-width and
  // upper case to lower ASCII, quotation marks skipped), `pos` mapping each
  // folded UTF-16 unit back to its offset in `text`.
  function appendMarked(parent, text, queryTerms) {
    text = String(text || '');
    var folded = '';
    var pos = [];
    for (var i = 0; i < text.length; i++) {
      var u = text.charCodeAt(i);
      if (isTransparent(u)) continue;
      folded += (u >= 0xd800 && u <= 0xdfff) ? text[i] : String.fromCharCode(fold(u));
      pos.push(i);
    }
    var marked = new Array(text.length).fill(false);
    queryTerms.forEach(function (t) {
      if (!t) return;
      for (var at = folded.indexOf(t); at !== -1; at = folded.indexOf(t, at + 1)) {
        for (var k = pos[at]; k <= pos[at + t.length - 1]; k++) marked[k] = true;
      }
    });
    var start = 0;
    for (var j = 1; j <= text.length; j++) {
      if (j === text.length || marked[j] !== marked[start]) {
        var piece = text.slice(start, j);
        if (marked[start]) {
          var mark = document.createElement('mark');
          mark.textContent = piece;
          parent.appendChild(mark);
        } else {
          parent.appendChild(document.createTextNode(piece));
        }
        start = j;
      }
    }
  }

  // Only relative urls (the index's are relative to the site root).
  function href(root, url) {
    url = String(url || '');
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url) || url.charAt(0) === '/' || url.charAt(0) === '\\') return null;
    return root + url;
  }

  function render(out, index, query, root) {
    out.textContent = '';
    var status = document.createElement('p');
    status.className = 'search-status';
    out.appendChild(status);
    if (!queryTokens(query).length) {
      status.textContent = '请输入要搜索的文字。';
      return;
    }
    var found = rank(index, query);
    if (!found.length) {
      status.textContent = '未找到与“' + query + '”相关的内容。';
      return;
    }
    status.textContent = '找到 ' + found.length + ' 条结果' +
      (found.length > MAX_SHOWN ? '，显示前 ' + MAX_SHOWN + ' 条' : '') + '。';
    var queryTerms = terms(query);
    var list = document.createElement('ol');
    list.className = 'search-list';
    found.slice(0, MAX_SHOWN).forEach(function (docIndex) {
      var doc = index.docs[docIndex];
      var item = document.createElement('li');
      var link = document.createElement('a');
      var target = href(root, doc.u);
      if (target !== null) link.setAttribute('href', target);
      appendMarked(link, doc.t, queryTerms);
      item.appendChild(link);
      var meta = document.createElement('p');
      meta.className = 'search-meta';
      meta.textContent = [doc.y ? doc.y + '年' : '', doc.d || ''].filter(Boolean).join(' · ');
      item.appendChild(meta);
      if (doc.s) {
        var snippet = document.createElement('p');
        snippet.className = 'search-snippet';
        appendMarked(snippet, doc.s, queryTerms);
        item.appendChild(snippet);
      }
      list.appendChild(item);
    });
    out.appendChild(list);
  }

  function init() {
    var form = document.getElementById('search');
    var out = document.getElementById('search-results');
    var input = form && form.querySelector('input[name="q"]');
    // Without a results area, the form keeps submitting to its action.
    if (!form || !out || !input || typeof fetch !== 'function') return;
    var root = document.documentElement.dataset.root || '';
    var loading = null;

    function load() {
      if (!loading) {
        loading = fetch(root + 'search-index.json', { credentials: 'same-origin' })
          .then(function (response) {
            if (!response.ok) throw new Error('HTTP ' + response.status);
            return response.json();
          })
          .then(prepare);
        loading.catch(function () { loading = null; });
      }
      return loading;
    }

    function run(query) {
      out.setAttribute('aria-busy', 'true');
      load().then(function (index) {
        render(out, index, query, root);
      }, function () {
        out.textContent = '';
        var p = document.createElement('p');
        p.className = 'search-status';
        p.textContent = '搜索索引加载失败，请稍后重试。';
        out.appendChild(p);
      }).then(function () {
        out.removeAttribute('aria-busy');
      });
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var query = input.value;
      try {
        var url = new URL(window.location.href);
        url.searchParams.set('q', query);
        window.history.replaceState(null, '', url.toString());
      } catch (e) { /* the address stays as it was */ }
      run(query);
    });

    var initial = new URLSearchParams(window.location.search).get('q');
    if (initial !== null && initial !== '') {
      input.value = initial;
      run(initial);
    }
  }

  var api = { tokens: tokens, search: search, rank: rank, prepare: prepare, isCjk: isCjk };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof document !== 'undefined' && typeof window !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  }
})();
