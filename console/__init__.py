"""The secretariat's web console, served by dondoc's one aiohttp web server under /console/."""
