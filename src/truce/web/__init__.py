"""The web application: pages over the services, with sessions, CSRF tokens and static files."""
