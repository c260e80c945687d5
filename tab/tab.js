/*
 * The Pipeline tab. Inside Teams: TeamsJS for the team, the theme and an SSO token (the API's Bearer token);
 * opened directly in a browser (local mode): it just calls the API. Talks only to GET /api/pipeline(.csv).
 * Globals: microsoftTeams (TeamsJS UMD), Chart (Chart.js UMD), both served by the bot under /tab/vendor.
 */
(function () {
  'use strict';

  var STATUS_LABELS = { new: 'New', claimed: 'Claimed', nurturing: 'Nurturing', qualified: 'Qualified', rejected: 'Rejected' };
  var STOREFRONT_LABELS = { AppSource: 'AppSource', AzureMarketplace: 'Azure Marketplace', AzurePortal: 'Azure portal', TestDrive: 'Test drive', Other: 'Other' };
  var state = { inTeams: false, answer: null, charts: {}, seq: 0 };
  var $ = function (id) { return document.getElementById(id); };

  // ---------------------------------------------------------------------------------------------------
  // Teams (or not)

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (_ok, fail) { setTimeout(function () { fail(new Error('timeout')); }, ms); })]);
  }

  /** Resolves to the Teams context, or null outside Teams (initialize does not answer within the timeout). */
  function connectTeams() {
    if (!window.microsoftTeams) return Promise.resolve(null);
    // A page that is neither framed nor in a Teams mobile webview is not in Teams: nothing to wait for.
    if (window.parent === window && !window.nativeInterface) return Promise.resolve(null);
    return withTimeout(new Promise(function (ok) { ok(microsoftTeams.app.initialize()); }), 3000)
      .then(function () { return withTimeout(microsoftTeams.app.getContext(), 3000); })
      .then(function (context) {
        microsoftTeams.app.notifySuccess();
        return context;
      })
      .catch(function () { return null; });
  }

  function applyTheme(theme) {
    document.body.dataset.theme = theme === 'dark' || theme === 'contrast' ? theme : 'default';
  }

  function authHeaders() {
    if (!state.inTeams) return Promise.resolve({});
    return microsoftTeams.authentication.getAuthToken().then(function (token) {
      return { Authorization: 'Bearer ' + token };
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // Filters and requests

  function query() {
    var p = new URLSearchParams();
    p.set('range', $('range').value);
    if ($('storefront').value) p.set('storefront', $('storefront').value);
    var offer = $('offer').value.trim();
    if (offer) p.set('offer', offer);
    return p.toString();
  }

  function setStatus(text, isError) {
    var el = $('status');
    el.textContent = text;
    el.classList.toggle('error', Boolean(isError));
    el.setAttribute('role', isError ? 'alert' : 'status');
  }

  function load() {
    var seq = ++state.seq;
    var q = query();
    $('csv').href = '/api/pipeline.csv?' + q;
    setStatus('Loading…');
    return authHeaders()
      .then(function (headers) { return fetch('/api/pipeline?' + q, { headers: headers }); })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) throw new Error((body.error && body.error.message) || 'The pipeline could not be loaded (' + res.status + ').');
          return body;
        });
      })
      .then(function (answer) {
        if (seq !== state.seq) return; // a newer request is on its way
        state.answer = answer;
        render(answer);
        setStatus(answer.range.label + ' · ' + plural(answer.summary.total, 'lead') + ' · updated ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
      })
      .catch(function (err) {
        if (seq !== state.seq) return;
        setStatus(err && err.message ? err.message : String(err), true);
      });
  }

  /** In Teams the CSV needs the Bearer token, so it is fetched and handed to the browser as a file. */
  function downloadCsv(event) {
    if (!state.inTeams) return; // a plain link: the browser downloads it
    event.preventDefault();
    var href = $('csv').href;
    authHeaders()
      .then(function (headers) { return fetch(href, { headers: headers }); })
      .then(function (res) {
        if (!res.ok) throw new Error('The CSV could not be downloaded (' + res.status + ').');
        return res.blob();
      })
      .then(function (blob) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'lead-desk-pipeline-' + $('range').value + '.csv';
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      })
      .catch(function (err) { setStatus(err.message, true); });
  }

  // ---------------------------------------------------------------------------------------------------
  // Rendering

  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function pct(x) { return x === undefined || x === null ? '–' : Math.round(x * 100) + '%'; }
  function duration(ms) {
    if (ms === undefined || ms === null) return '–';
    var min = ms / 60000;
    if (min < 1) return '< 1 min';
    if (min < 90) return Math.round(min) + ' min';
    var h = min / 60;
    return h < 36 ? h.toFixed(1) + ' h' : (h / 24).toFixed(1) + ' d';
  }
  function words(slug) { var s = String(slug).replace(/-/g, ' '); return s.charAt(0).toUpperCase() + s.slice(1); }

  function tile(name, value, note) {
    var el = document.querySelector('[data-tile="' + name + '"]');
    el.querySelector('.value').textContent = value;
    el.querySelector('.note').textContent = note || '';
  }

  function list(id, items, empty) {
    var el = $(id);
    el.replaceChildren();
    if (!items.length) items = [empty];
    items.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      el.appendChild(li);
    });
  }

  function render(answer) {
    var s = answer.summary;
    tile('total', String(s.total), s.byStatus.new + ' new · ' + (s.byStatus.claimed + s.byStatus.nurturing) + ' in progress');
    tile('unclaimed', String(s.unclaimed), s.unclaimedOverdue ? s.unclaimedOverdue + ' overdue' : 'none overdue');
    tile('time-to-claim', duration(s.timeToClaimMs.p50), s.timeToClaimMs.n ? 'median · p90 ' + duration(s.timeToClaimMs.p90) + ' · ' + plural(s.timeToClaimMs.n, 'claim') : 'no claims yet');
    tile('time-to-first-touch', duration(s.timeToFirstTouchMs.p50), s.timeToFirstTouchMs.n ? 'median · p90 ' + duration(s.timeToFirstTouchMs.p90) : 'no touches yet');
    tile('claimed-in-time', pct(s.claimedInTime), 'of claimed leads');
    tile('qualification-rate', pct(s.qualificationRate), (s.byStatus.qualified + s.byStatus.rejected) + ' closed');
    list('reject-reasons', s.topRejectReasons.map(function (r) { return words(r.reason) + ' (' + r.count + ')'; }), 'No rejected leads.');
    list('hot-unowned', s.hotUnowned.map(function (h) {
      return (h.offer || 'Unknown offer') + ' · waiting ' + duration(Date.now() - Date.parse(h.createdAt));
    }), 'None: every hot lead has an owner.');
    drawCharts(s);
  }

  function cssVar(name) { return getComputedStyle(document.body).getPropertyValue(name).trim(); }

  function chart(id, config, summary) {
    if (state.charts[id]) state.charts[id].destroy();
    var canvas = $(id);
    canvas.setAttribute('aria-label', summary);
    canvas.textContent = summary;
    state.charts[id] = new Chart(canvas, config);
  }

  function options(extra) {
    var text = cssVar('--text');
    var grid = cssVar('--grid');
    var reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    var base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduced ? false : { duration: 400 },
      plugins: { legend: { labels: { color: text } } },
      scales: {
        x: { ticks: { color: text, precision: 0 }, grid: { color: grid } },
        y: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true },
      },
    };
    return Object.assign(base, extra || {});
  }

  function drawCharts(s) {
    var palette = [cssVar('--chart-1'), cssVar('--chart-2'), cssVar('--chart-3'), cssVar('--chart-4'), cssVar('--chart-5')];
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = cssVar('--text');

    var statuses = Object.keys(STATUS_LABELS);
    chart('by-status', {
      type: 'bar',
      data: { labels: statuses.map(function (k) { return STATUS_LABELS[k]; }), datasets: [{ label: 'Leads', data: statuses.map(function (k) { return s.byStatus[k]; }), backgroundColor: palette }] },
      options: options({ plugins: { legend: { display: false } } }),
    }, 'Leads by status: ' + statuses.map(function (k) { return STATUS_LABELS[k] + ' ' + s.byStatus[k]; }).join(', '));

    chart('by-storefront', {
      type: 'doughnut',
      data: {
        labels: s.byStorefront.map(function (x) { return STOREFRONT_LABELS[x.storefront] || x.storefront; }),
        datasets: [{ data: s.byStorefront.map(function (x) { return x.count; }), backgroundColor: palette, borderColor: cssVar('--surface') }],
      },
      options: options({ scales: {}, plugins: { legend: { position: 'bottom', labels: { color: cssVar('--text') } } } }),
    }, 'Leads by storefront: ' + (s.byStorefront.map(function (x) { return (STOREFRONT_LABELS[x.storefront] || x.storefront) + ' ' + x.count; }).join(', ') || 'none'));

    var offers = s.byOffer.slice(0, 10);
    chart('by-offer', {
      type: 'bar',
      data: { labels: offers.map(function (x) { return x.offer; }), datasets: [{ label: 'Leads', data: offers.map(function (x) { return x.count; }), backgroundColor: palette[0] }] },
      options: options({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { color: cssVar('--text'), precision: 0 }, grid: { color: cssVar('--grid') } }, y: { ticks: { color: cssVar('--text') }, grid: { display: false } } } }),
    }, 'Leads by offer: ' + (offers.map(function (x) { return x.offer + ' ' + x.count; }).join(', ') || 'none'));

    var sellers = s.bySeller.slice(0, 12);
    var stack = function (key, label, color) {
      return { label: label, data: sellers.map(function (x) { return x[key]; }), backgroundColor: color };
    };
    chart('by-seller', {
      type: 'bar',
      data: { labels: sellers.map(function (x) { return x.name; }), datasets: [stack('open', 'Open', palette[1]), stack('qualified', 'Qualified', palette[3]), stack('rejected', 'Rejected', palette[4])] },
      options: options({ indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { color: cssVar('--text'), precision: 0 }, grid: { color: cssVar('--grid') } }, y: { stacked: true, ticks: { color: cssVar('--text') }, grid: { display: false } } } }),
    }, 'Leads per seller: ' + (sellers.map(function (x) { return x.name + ' ' + x.open + ' open, ' + x.qualified + ' qualified, ' + x.rejected + ' rejected'; }).join('; ') || 'no owned leads'));
  }

  // ---------------------------------------------------------------------------------------------------
  // Start

  function start() {
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    applyTheme(dark ? 'dark' : 'default');
    connectTeams().then(function (context) {
      if (context) {
        state.inTeams = true;
        applyTheme(context.app && context.app.theme);
        var where = context.team && context.team.displayName ? context.team.displayName + (context.channel && context.channel.displayName ? ' · ' + context.channel.displayName : '') : 'Marketplace leads';
        $('subtitle').textContent = where;
        microsoftTeams.app.registerOnThemeChangeHandler(function (theme) {
          applyTheme(theme);
          if (state.answer) drawCharts(state.answer.summary);
        });
      }
      document.body.dataset.host = state.inTeams ? 'teams' : 'browser';
      var timer;
      $('filters').addEventListener('submit', function (e) { e.preventDefault(); load(); });
      $('range').addEventListener('change', load);
      $('storefront').addEventListener('change', load);
      $('offer').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(load, 400); });
      $('csv').addEventListener('click', downloadCsv);
      load();
    });
  }

  start();
})();
