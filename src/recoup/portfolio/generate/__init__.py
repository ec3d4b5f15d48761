"""A realistic book of any size for measuring with: `recoup generate`."""

from recoup.portfolio.generate.book import BookNotEmpty, GenerateSummary, book_generate

__all__ = ["BookNotEmpty", "GenerateSummary", "book_generate"]
