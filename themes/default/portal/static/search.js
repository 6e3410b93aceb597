/* gongkai offline search: searches the sharded index below search/ in the browser.
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
 * A document matches when it holds every (distinct) query token (the index
 * already sums, under a single CJK character, every token containing it).
 * Ranking: title hits desc, then summed frequency desc, then index order.
 * Files: search/meta.json {docs, shards, chunk}; search/t/<shardOf(token)>.json
 * {token: [doc, count*2+inTitle, ...]}; search/d/<doc/chunk>.json [{u,t,y,d,s}].
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

  // The shard of a token: FNV-1a (32 bit) over its code points, as in
  // src/portal/search/index.rs.
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    for (var ch of token) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % Math.max(1, shards);
  }

  // A token's flat postings [doc, value, ...] in a parsed shard; own
  // properties only, so "constructor" or "__proto__" never meet Object.prototype.
  function listIn(shard, token) {
    if (!shard || !Object.prototype.hasOwnProperty.call(shard, token)) return [];
    return Array.isArray(shard[token]) ? shard[token] : [];
  }

  // Doc indices of the matches, best first. lookup(token) gives a token's
  // flat postings, value = count * 2 + (1 if the title has the token).
  function rankWith(lookup, docCount, query) {
    var qs = queryTokens(query);
    if (!qs.length) return [];
    var found = null;
    qs.forEach(function (q) {
      var list = lookup(q);
      var here = new Map();
      for (var i = 0; i + 1 < list.length; i += 2) {
        here.set(list[i], [Math.floor(list[i + 1] / 2), list[i + 1] % 2]);
      }
      if (found === null) { found = here; return; }
      var next = new Map();
      found.forEach(function (fh, doc) {
        var g = here.get(doc);
        if (g) next.set(doc, [fh[0] + g[0], fh[1] + g[1]]);
      });
      found = next;
    });
    var ranked = [];
    found.forEach(function (fh, doc) { if (doc >= 0 && doc < docCount) ranked.push([fh[1], fh[0], doc]); });
    ranked.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1] || a[2] - b[2]; });
    return ranked.map(function (r) { return r[2]; });
  }

  function metaPath() { return 'search/meta.json'; }
  function shardPath(k) { return 'search/t/' + k + '.json'; }
  function chunkPath(c) { return 'search/d/' + c + '.json'; }

  // A whole index in memory ({path: parsed JSON}), for tests and tools.
  function rank(files, query) {
    var meta = files[metaPath()];
    if (!meta) return [];
    return rankWith(function (q) { return listIn(files[shardPath(shardOf(q, meta.shards))], q); }, meta.docs, query);
  }

  // Urls of the matches, best first (like search() in search.rs).
  function search(files, query) {
    var meta = files[metaPath()];
    return rank(files, query).map(function (i) {
      var chunk = files[chunkPath(Math.floor(i / meta.chunk))];
      return chunk ? chunk[i % meta.chunk] : null;
    }).filter(Boolean).map(function (doc) { return doc.u; });
  }

  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
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

  function status(out, text) {
    out.textContent = '';
    var p = document.createElement('p');
    p.className = 'search-status';
    p.textContent = text;
    out.appendChild(p);
  }

  // Renders `docs` (the first MAX_SHOWN of `total` matches, in rank order).
  function render(out, query, total, docs, root) {
    if (!total) {
      status(out, '未找到与“' + query + '”相关的内容。');
      return;
    }
    status(out, '找到 ' + total + ' 条结果' + (total > MAX_SHOWN ? '，显示前 ' + MAX_SHOWN + ' 条' : '') + '。');
    var queryTerms = terms(query);
    var list = document.createElement('ol');
    list.className = 'search-list';
    docs.forEach(function (doc) {
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
    var files = {};

    // A file of the index, fetched once (a failed fetch is tried again).
    function get(path) {
      if (!files[path]) {
        files[path] = fetch(root + path, { credentials: 'same-origin' }).then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        });
        files[path].catch(function () { delete files[path]; });
      }
      return files[path];
    }

    // meta.json, then the shard of each query token, then the document
    // chunks of the results shown.
    function answer(query) {
      return get(metaPath()).then(function (meta) {
        var qs = queryTokens(query);
        var shards = unique(qs.map(function (q) { return shardOf(q, meta.shards); }));
        return Promise.all(shards.map(function (k) { return get(shardPath(k)); })).then(function (loaded) {
          var byShard = new Map();
          shards.forEach(function (k, i) { byShard.set(k, loaded[i]); });
          var found = rankWith(function (q) {
            return listIn(byShard.get(shardOf(q, meta.shards)), q);
          }, meta.docs, query);
          var shown = found.slice(0, MAX_SHOWN);
          var chunks = unique(shown.map(function (i) { return Math.floor(i / meta.chunk); }));
          return Promise.all(chunks.map(function (c) { return get(chunkPath(c)); })).then(function (lists) {
            var byChunk = new Map();
            chunks.forEach(function (c, i) { byChunk.set(c, lists[i]); });
            var docs = shown.map(function (i) {
              var list = byChunk.get(Math.floor(i / meta.chunk));
              return Array.isArray(list) ? list[i % meta.chunk] : null;
            }).filter(Boolean);
            render(out, query, found.length, docs, root);
          });
        });
      });
    }

    function run(query) {
      if (!queryTokens(query).length) {
        status(out, '请输入要搜索的文字。');
        return;
      }
      out.setAttribute('aria-busy', 'true');
      answer(query).catch(function () {
        status(out, '搜索索引加载失败，请稍后重试。');
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

  var api = { tokens: tokens, search: search, rank: rank, shardOf: shardOf, isCjk: isCjk };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof document !== 'undefined' && typeof window !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  }
})();
