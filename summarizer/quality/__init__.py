"""Source-quality flags from fast deterministic detectors, the score, and the clean text.

    from summarizer.quality import analyze_quality
    report = analyze_quality(text)          # plain text
    report.flags, report.score, report.clean_text, report.kept_lines
    report.to_quality()                     # schemas.Quality

One module per flag family (navigation, credits, author_block, placeholder, links, cta,
seo, duplicates, truncation, chatbot, injection, notes for input notes, frame for the
header/footer of scraped pages, lines for the learned line classifier of scraped plain
text); `report` merges them, resolves overlaps, and computes the score and the clean text.
Importing this package is cheap: no trafilatura, no scikit-learn (the line model is JSON,
loaded on first use), regexes compiled once at import.
"""

from .report import QualityReport, analyze_quality, score_flags

__all__ = ["QualityReport", "analyze_quality", "score_flags"]
