from django.contrib import admin

from aipdash.core.forms import AdminLoginForm

admin.site.site_header = "AIP Dashboard — data entry"
admin.site.site_title = "AIP Dashboard admin"
admin.site.index_title = "Portfolio data"
admin.site.login_form = AdminLoginForm  # aipdash/core/forms.py: no 500 on a name NFKC grows
admin.site.site_url = "/"
