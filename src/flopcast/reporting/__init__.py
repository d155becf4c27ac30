"""Reports: the whole compute analysis of a model or a family, in words, tables and plots.

``build`` gathers the numbers (pure), ``markdown`` and ``html`` render them, ``plots`` draws
the figures (matplotlib, imported only when a plot is drawn).
"""
