"""Charts for talks and papers, and the one-file report, drawn from saved result tables (never by simulating).

Modules (import what you need; nothing is imported here, so ``run.py`` loads plotly only when it draws):

- ``charts.figures``: one function per figure and the ``FIGURES`` registry (``build_figures``);
- ``charts.data``: the numbers behind each figure (bands, crossover, waterfall channels, hours by category);
- ``charts.canvas``: figures composed as plain dicts and validated once (fast);
- ``charts.theme`` / ``charts.i18n``: ``talk`` and ``paper`` themes, Okabe-Ito colours per policy; en/fr words
  and number formats;
- ``charts.render``: ``render_charts`` behind ``python run.py charts RESULTS``;
- ``charts.report``: ``write_report`` (``report.html``: one offline file);
- ``charts.export``: PNG/SVG/PDF through kaleido and the system Chromium;
- ``charts.gallery``: ``python -m charts.gallery`` regenerates docs/gallery.md.
"""
