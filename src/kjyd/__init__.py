"""kjyd — 科技工作要点推进情况跟踪 (tracks an annual science-and-technology work plan)."""

__version__ = "0.1.0"
