"""The files of the debit schemes, written and read without Django: NACHA (`nacha`), Bacs Standard 18
and its ARUDD and ADDACS reports (`bacs`), and the bank details they carry (`bank_details`)."""
