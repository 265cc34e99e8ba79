"""Storage: SQLAlchemy tables, repositories, the unit of work, Alembic migrations."""
