from django.contrib import admin

admin.site.site_header = "AIP Dashboard — data entry"
admin.site.site_title = "AIP Dashboard admin"
admin.site.index_title = "Portfolio data"
admin.site.site_url = "/"
