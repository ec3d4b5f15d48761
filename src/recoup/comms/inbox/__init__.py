"""Customer emails read over IMAP, matched to accounts, answered from templates."""
