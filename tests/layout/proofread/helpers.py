"""A correct 通知 and a correct 请示 to mutate in the rule tests."""

from __future__ import annotations

from zhongshu.layout.proofread import check

NOTICE = """某市人民政府办公室关于做好2026年春节期间安全工作的通知
市政办发〔2026〕3号
各区人民政府，市政府各部门：
为做好春节期间安全工作，根据《中华人民共和国安全生产法》，现将有关事项通知如下。
一、加强组织领导
（一）落实责任。各单位要落实主体责任，详见附件1。
1.主要负责同志要亲自部署。
2.分管负责同志要靠前指挥。
（二）加强值守。节日期间实行24小时值班，值班电话：0571-12345678。
二、强化隐患排查
各单位要在1月20日前完成排查，排查率达到100%，网址：http://www.example.gov.cn/a,b。
附件：1.春节期间值班安排表
2.隐患排查清单
某市人民政府办公室
2026年1月5日
（此件公开发布）
抄送：市委办公室，市人大常委会办公室。
某市人民政府办公室  2026年1月6日印发
"""

REQUEST = """某市应急管理局关于拨付2026年防汛物资经费的请示
市应急发〔2026〕8号
市人民政府：
为做好2026年防汛工作，拟购置防汛物资一批，所需经费120万元。
妥否，请批示。
某市应急管理局
2026年3月2日
（联系人：李明，电话：0571-87654321）
"""

REPORT = """某市应急管理局关于2025年安全生产工作情况的报告
市应急发〔2026〕2号
市人民政府：
现将2025年安全生产工作情况报告如下。
一、主要工作
全年未发生较大以上事故。
特此报告。
某市应急管理局
2026年1月10日
"""


def found(text: str, rule: str, **kwargs) -> list:
    return [f for f in check(text, **kwargs) if f.rule == rule]


def errors(text: str, rule: str, **kwargs) -> list:
    return [f for f in found(text, rule, **kwargs) if f.severity == "error"]
