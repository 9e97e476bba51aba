"""Terminal output: ``status``, ``show``, ``log`` (:mod:`.progress`), ``plan`` (:mod:`.plan`) and
``changes`` (:mod:`.changes`), all laid out by :mod:`.columns` so that Chinese text keeps its
columns at any terminal width. Like the xlsx and Word renderers beside it, it only formats."""
