"""法治报告助手: knowledge base, cited answers and drafting for 法治政府建设年度情况报告."""

__version__ = "0.1.0"
