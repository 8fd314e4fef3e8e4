"""File helpers shared by the applicant portal, moderation and certificates.

An ordinary package of functions (not a Django app, no models):

- ``validation``: checks an evidence upload before it is stored (with ``file_types``,
  ``filenames``, ``archive_checks`` and ``pdf_checks``).
- ``ceilings``: runs a parser in a child process with memory and time ceilings.
- ``storage``: stores files privately under random keys and hands them out.
- ``scanning``: virus scanning with clamd.
- ``pdf``: renders PDFs with WeasyPrint without letting templates reach the network.
- ``text_extraction``: pulls plain text out of documents for the anonymisation guard.
"""
