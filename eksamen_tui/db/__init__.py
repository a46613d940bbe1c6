"""The data layer: SQLModel tables, engine, migrations, backup. No Textual."""
