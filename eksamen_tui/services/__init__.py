"""Services: the only way to change data. Each user action is one short
transaction that also writes the audit trail. No Textual here."""
