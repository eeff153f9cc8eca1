"""Team mode: crawls whose pages are shared by workers through a queue on the team's PostgreSQL store
(docs/team-mode.md)."""
