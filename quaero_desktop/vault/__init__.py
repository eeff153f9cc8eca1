"""The vault: saved logins (credentials) in the OS keyring, and the cookie files users import."""
