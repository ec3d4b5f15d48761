"""Reports over the book: aged debt, roll rates, their exports and charts."""
