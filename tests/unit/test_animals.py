"""Clauses about an animal (engine/animals.py): DOMAIN.md's flags are about people, so a hurt or
stuck animal brings no 120 or 119, while a person hurt by an animal still does."""

import pytest

from schemas.codes import Agency
from schemas.policy import load_policy


@pytest.mark.parametrize("text", [
    "主叫称：路边一只鸽子翅膀受伤飞不起来，一直在马路边扑腾。",
    "There's a cat with a bleeding leg under the bench by the lake, it can't walk. Who can help it?",
    "Injured swan on the lake in the park, it can't fly",
    "cat trapped up a tree crying for hours",
    "狗卡在下水道里出不来了",
    "路边有只猫被卡在排水沟栅栏里出不来，叫得很惨",          # 被 after the animal: the animal is stuck
    "一只鸟的脚被风筝线缠住挂在树上，扑腾着下不来",
])
def test_a_hurt_or_stuck_animal_is_not_injured_or_trapped(engine, text):
    c = engine.classify(text, load_policy())
    assert not c.flags.injured and not c.flags.trapped, c.reasons
    assert any("(about an animal)" in r for r in c.reasons)
    # 120 or 119 only from the safety net's doubt, never from the flags, and then for review
    assert not ({Agency.EMS_120, Agency.FIRE_119} & set(c.agencies)) or c.review, c.reasons


@pytest.mark.parametrize("text", [
    "狗把孩子咬得流血了",                                # an attack and a person in the clause
    "My daughter was bitten by a dog and is bleeding",
    "我被狗绊倒摔伤了",
    "孩子被狗咬了 流血了",                               # 被 before the animal: the dog is the agent
    "流浪狗扑人 一个老太太腿上流血了",
    "要生了 羊水破了",                                   # 羊水 is no animal
    "Walking my dog and a stray bit my calf, no owner anywhere, it's bleeding quite a lot",  # the calf
])
def test_a_person_hurt_with_an_animal_in_the_call_still_gets_120(engine, text):
    c = engine.classify(text, load_policy())
    assert Agency.EMS_120 in c.agencies, c.reasons


def test_the_clause_is_the_unit(engine):
    """The animal in one clause, the hurt person in the next: the person's cue stands."""
    c = engine.classify("我家狗冲出去了，邻居家老人追它摔倒了，头磕破流血", load_policy())
    assert c.flags.injured and Agency.EMS_120 in c.agencies, c.reasons


@pytest.mark.parametrize("text", [
    "a swan on the frozen lake. it can't get out",          # 'it' names the animal of the call
    "下水井里有只小猫，叫了一上午，它出不来了",              # 它 likewise
    "一只猫掉进下水道，出不来了，一直叫",                    # the next clause carries the cat
])
def test_the_animal_named_by_a_pronoun_or_carried_to_the_next_clause(engine, text):
    c = engine.classify(text, load_policy())
    assert not c.flags.trapped, c.reasons
    assert not ({Agency.EMS_120, Agency.FIRE_119} & set(c.agencies)) or c.review, c.reasons


def test_a_carried_clause_keeps_a_persons_injury_and_says_nothing_it_did_not_set_aside(engine):
    """A caller drops their own subject too: only trapped is carried, and only a clause where a
    cue was set aside is named in the reasons."""
    c = engine.classify("遛狗的时候，摔倒了，流血了", load_policy())
    assert c.flags.injured and Agency.EMS_120 in c.agencies, c.reasons
    assert not any("流血了 (about an animal)" in r or "摔倒了 (about an animal)" in r for r in c.reasons), c.reasons
