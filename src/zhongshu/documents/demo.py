"""办文's part of the demo: the organs that issue documents (发文机关), who signs them,
and the default routing templates. Loaded after the demo organisation
(``zhongshu demo``), through the same services an office would use."""

from __future__ import annotations

from zhongshu.org.models import Person, RoleCode, Unit

from . import routing
from .models import IssuingOrgan, OrganFormat, SignAuthority


def load_demo_documents() -> dict[str, int]:
    committee = Unit.objects.get(code="SW")
    office = Unit.objects.get(code="SWBGS")
    secretariat = Unit.objects.get(code="BGS-ZH")
    archive = Unit.objects.get(code="BGS-DA")
    people = {p.username: p for p in Person.objects.filter(
        username__in=["shuji", "mishuzhang", "zhuren", "fuzhuren"])}
    deputy_secretary = Person.objects.get(full_name="黄立民", roles__code=RoleCode.LEADER)
    printing = "中共示例市委办公室"

    def organ(code: str, unit: Unit, name: str, mark: str, issuer_code: str, order: int,
              fmt: str = OrganFormat.STANDARD) -> IssuingOrgan:
        made = IssuingOrgan.objects.create(
            code=code, unit=unit, name=name, header_mark=mark, issuer_code=issuer_code, format=fmt,
            printing_office=printing, secretariat=secretariat, archive=archive, sort_order=order)
        # 核稿: the director, and the deputy director he designates; the sender picks one.
        made.reviewers.set([people["zhuren"], people["fuzhuren"]])
        return made

    sw = organ("sw", committee, "中共示例市委员会", "中共示例市委员会文件", "示市委发", 1)
    swb = organ("swb", office, "中共示例市委办公室", "中共示例市委办公室文件", "示市委办发", 2)
    letter = organ("swb-letter", office, "中共示例市委办公室", "中共示例市委办公室", "示市委办函", 3,
                   OrganFormat.LETTER)
    # 市委文件: the secretary signs, and has authorised a deputy secretary; 市委办文件: the
    # secretary general or the office director.
    SignAuthority.objects.create(organ=sw, person=people["shuji"])
    SignAuthority.objects.create(organ=sw, person=deputy_secretary, authorised_by=people["shuji"],
                                 note="书记外出期间授权签发")
    for organ_ in (swb, letter):
        SignAuthority.objects.create(organ=organ_, person=people["mishuzhang"])
        SignAuthority.objects.create(organ=organ_, person=people["zhuren"])
    routing.ensure_all()
    return {"organs": IssuingOrgan.objects.count()}
