"""Local stand-ins for the remote services the add-on talks to (tests and the demo only).

``standins.mailchimp``: Mailchimp Marketing API v3 on loopback;
``standins.serwersms``: SerwerSMS.pl HTTPS API v2 on loopback. Nothing here is
imported by the add-on's runtime code.
"""
