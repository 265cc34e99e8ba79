"""What the API and the pages share at the HTTP edge: the unit of work per request, the
clock, the agreement, upload checks and the status of each error kind. Both layers import
this; neither imports the other. `truce.app` composes them."""
