"""The contact-permission decision and the rule packs (US federal and state, UK) behind it."""
