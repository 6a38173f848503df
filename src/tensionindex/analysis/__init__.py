"""Analyses of scored events: each takes a :class:`~tensionindex.ScoredEvents`.

* :mod:`~tensionindex.analysis.alerts`: threshold crossings, sharp drops and rises, with drivers;
* :mod:`~tensionindex.analysis.asymmetry`: who drives a dyad's tension (directed parts);
* :mod:`~tensionindex.analysis.agreement`: how far datasets agree on each dyad;
* :mod:`~tensionindex.analysis.changepoints`: regime changes of a dyad's events;
* :mod:`~tensionindex.analysis.parts`: conflict and cooperation parts, the four event classes;
* :mod:`~tensionindex.analysis.ranking`: dyads ranked by level, change and information; grades;
* :mod:`~tensionindex.analysis.uncertainty`: bands under uncertain weights, weight influence;
* :mod:`~tensionindex.analysis.calibration`: weights fitted to a reference series;
* :mod:`~tensionindex.analysis.validation`: hits around turning points, agreement with series.

The functions are public at the top level (``tensionindex.alerts``, ...).
"""
