"""The report's sections, one module each, in report order: ``compute`` (training compute by
both methods), ``context`` (predecessor, peers, frontier, thresholds), ``optimality``
(tokens per parameter under the laws), ``cluster`` (what a frontier cluster could do) and
``local`` (memory and speed on common machines). Each builds a
:class:`flopcast.reporting.document.Section` from one model; :mod:`flopcast.reporting.build`
calls them in turn."""
