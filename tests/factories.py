"""factory_boy factories for the rows tests build by hand.

Units are found by code when they exist (the reference units), so `UnitAdminFactory(unit__kode="UPP033")`
makes an administrator of the loaded Kecamatan, and `UnitFactory()` a new unit.
"""

from __future__ import annotations

from datetime import datetime, time

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from reports.models import PrioritasUnsur, ReportJob, TindakLanjut
from surveys.models import RESPONSE_CONTENT_FIELDS, Period, Response, Unsur
from surveys.semesters import semester_dates
from surveys.services.tally_rebuild import tallies_rebuild
from surveys.tallies import content_hash
from units.access import CITY_ADMIN_GROUP
from units.models import Unit, UnitAdmin

PASSWORD = "rahasia-panjang-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    password = factory.django.Password(PASSWORD)


class CityAdminFactory(UserFactory):
    """A city administrator (Bagian Organisasi)."""

    @factory.post_generation
    def city_admin_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=CITY_ADMIN_GROUP)[0])


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("kode",)

    kode = factory.Sequence(lambda n: f"UJI{n:03d}")
    nama = factory.LazyAttribute(lambda unit: f"Unit Uji {unit.kode}")


class UnitAdminFactory(factory.django.DjangoModelFactory):
    """An administrator of `unit` (and so of its descendants)."""

    class Meta:
        model = UnitAdmin

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)


class PeriodFactory(factory.django.DjangoModelFactory):
    """A semester with its standard dates; the status is the model's default (draft) unless given."""

    class Meta:
        model = Period

    kode = factory.Sequence(lambda n: f"{2040 + n // 2}-S{n % 2 + 1}")
    tanggal_mulai = factory.LazyAttribute(lambda period: semester_dates(period.kode)[0])
    tanggal_selesai = factory.LazyAttribute(lambda period: semester_dates(period.kode)[1])


class ResponseFactory(factory.django.DjangoModelFactory):
    """A valid online response, submitted on the first morning of its period. Written straight to
    the table, so its period's tallies are counted again after it, as rebuild_tallies does for
    responses written outside the portal (`build()` and bulk inserts leave that to the test)."""

    class Meta:
        model = Response
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    period = factory.SubFactory(PeriodFactory)
    submitted_at = factory.LazyAttribute(
        lambda response: timezone.make_aware(datetime.combine(response.period.tanggal_mulai, time(9, 30)))
    )
    umur = 34
    jenis_kelamin = "P"
    pendidikan = "S1"
    pekerjaan = "KARYAWAN"
    u1 = u2 = u3 = u4 = u5 = u6 = u7 = u8 = u9 = 4
    channel = Response.Channel.ONLINE
    content_hash = factory.LazyAttribute(
        lambda response: content_hash({name: getattr(response, name, "") for name in RESPONSE_CONTENT_FIELDS})
    )

    @factory.post_generation
    def tallies(self, create, extracted, **kwargs):
        if create:
            tallies_rebuild(period_id=self.period_id)


class PrioritasFactory(factory.django.DjangoModelFactory):
    """A unit's first priority element of a period: U3 unless `unsur_kode` says another."""

    class Meta:
        model = PrioritasUnsur

    class Params:
        unsur_kode = "U3"

    unit = factory.SubFactory(UnitFactory)
    period = factory.SubFactory(PeriodFactory)
    unsur = factory.LazyAttribute(lambda prioritas: Unsur.objects.get(kode=prioritas.unsur_kode))
    urutan = 1


class TindakLanjutFactory(factory.django.DjangoModelFactory):
    """A planned action, numbered after the priority's other actions, due at the end of its period."""

    class Meta:
        model = TindakLanjut

    prioritas = factory.SubFactory(PrioritasFactory)
    nomor = factory.LazyAttribute(lambda action: action.prioritas.tindak_lanjut.count() + 1)
    teks = "Menambah petugas loket"
    target = factory.LazyAttribute(lambda action: action.prioritas.period.tanggal_selesai)
    penanggung_jawab = "Kepala Seksi"


class ReportJobFactory(factory.django.DjangoModelFactory):
    """A queued city report unless told otherwise."""

    class Meta:
        model = ReportJob

    kind = ReportJob.Kind.CITY_PDF
    period = factory.SubFactory(PeriodFactory)
