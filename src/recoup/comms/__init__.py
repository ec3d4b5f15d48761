"""Templates, letters (PDF), email, SMS and the record of every item sent."""
