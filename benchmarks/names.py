"""Invented-data word lists for the scale data set (common names, recombined
at random: no real person is described)."""

FIRST_NAMES = """
Aaron Abigail Adam Aiden Aisha Alex Alfie Alice Amelia Amir Amy Archie Arthur Ava Bella Ben
Bethany Billy Bobby Caitlin Callum Charlie Charlotte Chloe Connor Daisy Daniel David Dylan
Eleanor Elijah Ella Ellie Emily Emma Erin Ethan Evie Faith Finley Freddie Freya Gabriel George
Grace Hannah Harley Harry Harvey Hollie Holly Hugo Isaac Isabella Isla Jack Jacob Jake James
Jamie Jasmine Jayden Jessica John Jonah Joseph Joshua Jude Kai Kayla Keira Kian Lacey Laura
Layla Leah Leo Lewis Lexi Liam Lily Logan Lola Louie Louis Lucas Lucy Luke Maisie Maria Mason
Matthew Max Maya Megan Mia Michael Millie Mohammed Molly Muhammad Nathan Niamh Noah Olivia Ollie
Oscar Owen Paige Phoebe Poppy Reece Riley Rosie Ruby Ryan Sam Samuel Sara Scarlett Sebastian
Sienna Sofia Sophie Stanley Summer Taylor Theo Thomas Toby Tommy Tyler Victoria Willow Zac Zara
""".split()

LAST_NAMES = """
Adams Ahmed Ali Allen Anderson Armstrong Atkinson Bailey Baker Ball Barker Barnes Bell Bennett
Begum Berry Bird Bishop Brooks Brown Butler Campbell Carter Chapman Clark Clarke Cole Collins
Cook Cooper Cox Davies Davis Dawson Dixon Doyle Edwards Ellis Evans Fisher Fletcher Foster Fox
Gibson Graham Grant Gray Green Griffiths Hall Hamilton Harris Harrison Hart Harvey Hill Holmes
Hughes Hunt Hussain Jackson James Jenkins Johnson Jones Kelly Kennedy Khan King Knight Lane Lee
Lewis Lloyd Marshall Martin Mason Matthews Miller Mills Mitchell Moore Morgan Morris Murphy
Murray Owen Palmer Parker Patel Payne Pearce Pearson Phillips Powell Price Reid Reynolds
Richards Richardson Roberts Robinson Rogers Rose Ross Russell Saunders Scott Shaw Simpson
Smith Spencer Stevens Stewart Stone Taylor Thomas Thompson Turner Walker Walsh Ward Watson Webb
Wells West White Wilkinson Williams Wilson Wood Woods Wright Young
""".split()

STREETS = [
    s.replace("_", " ")
    for s in """Acacia_Avenue Albert_Road Beech_Grove Bridge_Street Church_Lane Elm_Close
High_Street Mill_Lane Park_Road Queen_Street Station_Road The_Crescent Victoria_Road
York_Way""".split()
]

TOWNS = """
Ashford Barnsford Castleton Dunmore Eastwick Fairhaven Glenbrook Hartwell Ivybridge Kingsmere
Lowmoor Marlow Northby Oakham Pendle Queensbury Riverton Stowe Thornbury Upton Westcombe
""".split()
