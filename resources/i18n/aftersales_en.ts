<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AlertFeed</name>
    <message>
        <source>严重</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>警告</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>确认</source>
        <translation>Acknowledge</translation>
    </message>
    <message>
        <source>确认中…</source>
        <translation>Acknowledging…</translation>
    </message>
    <message>
        <source>刚刚</source>
        <translation>just now</translation>
    </message>
    <message>
        <source>%1 分钟前</source>
        <translation>%1 min ago</translation>
    </message>
    <message>
        <source>%1 小时前</source>
        <translation>%1 h ago</translation>
    </message>
    <message>
        <source>%1 天前</source>
        <translation>%1 d ago</translation>
    </message>
    <message>
        <source>已解除 · %1</source>
        <translation>Resolved · %1</translation>
    </message>
    <message>
        <source>已确认 · %1</source>
        <translation>Acknowledged · %1</translation>
    </message>
    <message>
        <source>%1 · 未确认</source>
        <translation>%1 · Open</translation>
    </message>
    <message>
        <source>告警</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>只看这一级的告警</source>
        <translation>Show only this severity</translation>
    </message>
    <message>
        <source>全部告警</source>
        <translation>All alerts</translation>
    </message>
    <message>
        <source>没有告警</source>
        <translation>No alerts</translation>
    </message>
    <message>
        <source>全部 %1</source>
        <translation>All %1</translation>
    </message>
    <message>
        <source>%1 条未确认</source>
        <translation>%1 not acknowledged</translation>
    </message>
    <message>
        <source>全部已确认</source>
        <translation>All acknowledged</translation>
    </message>
    <message>
        <source>告警 · %1 条未确认</source>
        <translation>Alerts · %1 not acknowledged</translation>
    </message>
    <message>
        <source>没有%1告警</source>
        <translation>No %1 alerts</translation>
    </message>
</context>
<context>
    <name>Bootstrap</name>
    <message>
        <source>正在检查数据库结构…</source>
        <translation>Checking the database structure…</translation>
    </message>
    <message>
        <source>没有用户 %1。</source>
        <translation>There is no user %1.</translation>
    </message>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
</context>
<context>
    <name>ConsolePresenter</name>
    <message>
        <source>%1大区</source>
        <translation>%1 region</translation>
    </message>
    <message>
        <source>排名与差距</source>
        <translation>Ranking and gaps</translation>
    </message>
    <message>
        <source>趋势</source>
        <translation>Trends</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>全国</source>
        <translation>National</translation>
    </message>
    <message>
        <source>工单 %1</source>
        <translation>Work order %1</translation>
    </message>
    <message>
        <source>门店 %1</source>
        <translation>Store %1</translation>
    </message>
    <message>
        <source>已确认预警：%1 · %2</source>
        <translation>Alert acknowledged: %1 · %2</translation>
    </message>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
    <message>
        <source>%1 已放回主窗口。</source>
        <translation>%1 is back in the main window.</translation>
    </message>
    <message>
        <source>%1 已全屏显示在 %2。</source>
        <translation>%1 is now full screen on %2.</translation>
    </message>
    <message>
        <source>界面语言将在下次启动时切换为 %1。</source>
        <translation>The language changes to %1 the next time the app starts.</translation>
    </message>
    <message>
        <source>新旧对比</source>
        <translation>Old vs smart</translation>
    </message>
    <message>
        <source>技师支援</source>
        <translation>Technician loans</translation>
    </message>
    <message>
        <source>缺件调拨</source>
        <translation>Parts transfers</translation>
    </message>
    <message>
        <source>网络调度</source>
        <translation>Rebalancing</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <source>全国地图</source>
        <translation>Map</translation>
    </message>
    <message>
        <source>指标墙</source>
        <translation>KPI wall</translation>
    </message>
    <message>
        <source>预警</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>售后服务网络控制中心 · %1</source>
        <translation>After-sales Network Control Center · %1</translation>
    </message>
    <message>
        <source>导航</source>
        <translation>Navigation</translation>
    </message>
    <message>
        <source>◀ 后退</source>
        <translation>◀ Back</translation>
    </message>
    <message>
        <source>前进 ▶</source>
        <translation>Forward ▶</translation>
    </message>
    <message>
        <source>⌂ 首页</source>
        <translation>⌂ Home</translation>
    </message>
    <message>
        <source>多屏</source>
        <translation>Screens</translation>
    </message>
    <message>
        <source>立即重启</source>
        <translation>Restart now</translation>
    </message>
    <message>
        <source>全屏显示在 %1</source>
        <translation>Full screen on %1</translation>
    </message>
    <message>
        <source>放回主窗口</source>
        <translation>Back into this window</translation>
    </message>
    <message>
        <source>数据库连接中断，正在自动重连；下面显示的是 %1 的数据。</source>
        <translation>The database is unreachable; reconnecting automatically. The data shown is from %1.</translation>
    </message>
    <message>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>实时</source>
        <translation>live</translation>
    </message>
    <message>
        <source>%1 秒前</source>
        <translation>%1 s ago</translation>
    </message>
    <message>
        <source>数据更新于 %1 · %2</source>
        <translation>Data updated at %1 · %2</translation>
    </message>
    <message>
        <source>为客户推荐门店和时段并预约</source>
        <translation>Recommend a store and a slot to a customer and book it</translation>
    </message>
    <message>
        <source>低峰定价</source>
        <translation>Off-peak pricing</translation>
    </message>
    <message>
        <source>低峰时段的折扣规则</source>
        <translation>The discount rules for quiet hours</translation>
    </message>
    <message>
        <source>＋ 预约</source>
        <translation>+ Book</translation>
    </message>
    <message>
        <source>审批</source>
        <translation>Approvals</translation>
    </message>
</context>
<context>
    <name>EventSource</name>
    <message>
        <source>门店终端</source>
        <translation>Store terminal</translation>
    </message>
    <message>
        <source>服务顾问</source>
        <translation>Service advisor</translation>
    </message>
    <message>
        <source>技师</source>
        <translation>Technician</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>历史导入</source>
        <translation>Imported history</translation>
    </message>
</context>
<context>
    <name>KpiTile</name>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>工位被占用的时间 ÷ 工位开放的时间</source>
        <translation>Occupied bay time ÷ open bay time</translation>
    </message>
    <message>
        <source>客户等待时长</source>
        <translation>Waiting time</translation>
    </message>
    <message>
        <source>从到店（或预约时间）到开始维修的平均时长</source>
        <translation>Average time from arrival (or the booked time, if later) to the start of work</translation>
    </message>
    <message>
        <source>日均接车量</source>
        <translation>Vehicles received</translation>
    </message>
    <message>
        <source>每家门店每天接待的车辆数</source>
        <translation>Vehicles checked in per store per day</translation>
    </message>
    <message>
        <source>门店日均产值</source>
        <translation>Store output</translation>
    </message>
    <message>
        <source>每家门店每天完工工单的金额</source>
        <translation>Amount of completed work orders per store per day</translation>
    </message>
    <message>
        <source>客户满意度</source>
        <translation>Satisfaction (CSI)</translation>
    </message>
    <message>
        <source>客户评分的平均值，满分 100</source>
        <translation>Average customer rating, out of 100</translation>
    </message>
    <message>
        <source>跨店服务量</source>
        <translation>Cross-store services</translation>
    </message>
    <message>
        <source>由其他门店转来、在本店完成的工单（每天）</source>
        <translation>Work orders referred by another store and completed here (per day)</translation>
    </message>
    <message>
        <source>门店上线率</source>
        <translation>Stores online</translation>
    </message>
    <message>
        <source>最近 15 分钟有终端写入的门店 ÷ 全部在营门店</source>
        <translation>Stores whose terminals sent data in the last 15 minutes ÷ all open stores</translation>
    </message>
    <message>
        <source>小时</source>
        <translation>h</translation>
    </message>
    <message>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <source>台</source>
        <translation>vehicles</translation>
    </message>
    <message>
        <source>分</source>
        <translation>pts</translation>
    </message>
    <message>
        <source>单</source>
        <translation>orders</translation>
    </message>
</context>
<context>
    <name>KpiTileWidget</name>
    <message>
        <source>较上周同日</source>
        <translation>vs same day last week</translation>
    </message>
    <message>
        <source>与上周同一天的同一时刻相比</source>
        <translation>Compared with the same time on the same weekday last week</translation>
    </message>
    <message>
        <source>持平</source>
        <translation>No change</translation>
    </message>
    <message>
        <source>无上周数据</source>
        <translation>No data for last week</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>zh_CN</source>
        <translation>en</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>登录 · 售后服务网络控制中心</source>
        <translation>Log in · After-sales Network Control Center</translation>
    </message>
    <message>
        <source>售后服务网络控制中心</source>
        <translation>After-sales Network Control Center</translation>
    </message>
    <message>
        <source>正在启动数据库…</source>
        <translation>Starting the database…</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>请选择您的账号</source>
        <translation>Choose your account</translation>
    </message>
    <message>
        <source>没有可用的账号；请联系总部。</source>
        <translation>No accounts available; please contact head office.</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>偏低</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>偏高</source>
        <translation>High</translation>
    </message>
    <message>
        <source>暂无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>等待短</source>
        <translation>Short</translation>
    </message>
    <message>
        <source>等待较长</source>
        <translation>Long</translation>
    </message>
    <message>
        <source>等待过长</source>
        <translation>Very long</translation>
    </message>
    <message>
        <source>无预警</source>
        <translation>No alerts</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>警告</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>严重</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>客户等待时长</source>
        <translation>Customer waiting time</translation>
    </message>
    <message>
        <source>未处理预警</source>
        <translation>Open alerts</translation>
    </message>
    <message>
        <source>利用率</source>
        <translation>Utilization</translation>
    </message>
    <message>
        <source>等待</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>预警</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>南海诸岛</source>
        <translation>South China Sea Islands</translation>
    </message>
    <message>
        <source>全国</source>
        <translation>National</translation>
    </message>
    <message>
        <source>复位</source>
        <translation>Reset</translation>
    </message>
    <message>
        <source>显示整个区域</source>
        <translation>Show the whole region again</translation>
    </message>
    <message>
        <source>离线（15 分钟无数据）</source>
        <translation>Offline (15 min)</translation>
    </message>
    <message>
        <source>圆越大，在修车辆越多（0 … %1+ 台）</source>
        <translation>Bigger circle = more vehicles in the workshop (0 … %1+)</translation>
    </message>
    <message>
        <source>%1 家门店</source>
        <translation>%1 stores</translation>
    </message>
    <message>
        <source>小时</source>
        <translation>h</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>客户等待</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>今日接车</source>
        <translation>Vehicles today</translation>
    </message>
    <message>
        <source>%1 台</source>
        <translation>%1 vehicles</translation>
    </message>
    <message>
        <source>在修车辆</source>
        <translation>In the workshop</translation>
    </message>
    <message>
        <source>终端</source>
        <translation>Terminals</translation>
    </message>
</context>
<context>
    <name>Ranking</name>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>等待(小时)</source>
        <translation>Wait (h)</translation>
    </message>
    <message>
        <source>日均接车</source>
        <translation>Vehicles/day</translation>
    </message>
    <message>
        <source>%1 台</source>
        <translation>%1 vehicles</translation>
    </message>
    <message>
        <source>日均产值</source>
        <translation>Output/day</translation>
    </message>
    <message>
        <source>技师人均产值</source>
        <translation>Output per technician</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>CSI</translation>
    </message>
    <message>
        <source>%1 分</source>
        <translation>%1 pts</translation>
    </message>
    <message>
        <source>最佳</source>
        <translation>Best</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>排名</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>与最佳差距</source>
        <translation>Gap to best</translation>
    </message>
    <message>
        <source>按哪项指标找差距</source>
        <translation>The KPI to compare with the best on</translation>
    </message>
    <message>
        <source>找差距</source>
        <translation>Gap on</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>大区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>范围</source>
        <translation>Scope</translation>
    </message>
</context>
<context>
    <name>RankingPanel</name>
    <message>
        <source>排名</source>
        <translation>Ranking</translation>
    </message>
</context>
<context>
    <name>ScheduleBoard</name>
    <message>
        <source>计划</source>
        <translation>Planned</translation>
    </message>
    <message>
        <source>进行中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>维修</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>质检</source>
        <translation>QC</translation>
    </message>
    <message>
        <source>工位</source>
        <translation>Bays</translation>
    </message>
    <message>
        <source>技师</source>
        <translation>Technicians</translation>
    </message>
    <message>
        <source>质检 %1</source>
        <translation>QC %1</translation>
    </message>
    <message>
        <source>现在 %1</source>
        <translation>Now %1</translation>
    </message>
    <message>
        <source>拖动“计划”任务可改时间或工位</source>
        <translation>Drag a planned job to change its time or bay</translation>
    </message>
    <message>
        <source>现在</source>
        <translation>Now</translation>
    </message>
    <message>
        <source>今日排班</source>
        <translation>Today's schedule</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>未能调整 %1</source>
        <translation>Could not move %1</translation>
    </message>
    <message>
        <source>时间：%1 – %2</source>
        <translation>Time: %1 – %2</translation>
    </message>
    <message>
        <source>工位：%1</source>
        <translation>Bay: %1</translation>
    </message>
    <message>
        <source>技师：%1</source>
        <translation>Technician: %1</translation>
    </message>
    <message>
        <source>工单 #%1</source>
        <translation>Work order #%1</translation>
    </message>
    <message>
        <source>拖动可调整时间或工位</source>
        <translation>Drag to change the time or bay</translation>
    </message>
    <message>
        <source>待确认</source>
        <translation>Pending</translation>
    </message>
</context>
<context>
    <name>StorePageWidget</name>
    <message>
        <source>在修车辆</source>
        <translation>In the workshop</translation>
    </message>
    <message>
        <source>今日预约</source>
        <translation>Today&apos;s bookings</translation>
    </message>
    <message>
        <source>技师</source>
        <translation>Technicians</translation>
    </message>
    <message>
        <source>手动调度将在排班模块中开放。</source>
        <translation>Moving jobs by hand comes with the dispatch module.</translation>
    </message>
    <message>
        <source>今日</source>
        <translation>Today</translation>
    </message>
</context>
<context>
    <name>StorePanels</name>
    <message>
        <source>已预约</source>
        <translation>Booked</translation>
    </message>
    <message>
        <source>已到店</source>
        <translation>Arrived</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>未到店</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>微信</source>
        <translation>WeChat</translation>
    </message>
    <message>
        <source>顾问代约</source>
        <translation>By advisor</translation>
    </message>
    <message>
        <source>他店转介</source>
        <translation>Referred by another store</translation>
    </message>
    <message>
        <source>忙碌</source>
        <translation>Busy</translation>
    </message>
    <message>
        <source>空闲</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>午休</source>
        <translation>Lunch</translation>
    </message>
    <message>
        <source>休息</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>逾期未到</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>已接车</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <source>维修中</source>
        <translation>In service</translation>
    </message>
    <message>
        <source>质检中</source>
        <translation>In QC</translation>
    </message>
    <message>
        <source>已完工</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>已交车</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <source>保养</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>电气</source>
        <translation>Electrical</translation>
    </message>
    <message>
        <source>机修</source>
        <translation>Mechanical</translation>
    </message>
    <message>
        <source>钣金</source>
        <translation>Body</translation>
    </message>
    <message>
        <source>喷漆</source>
        <translation>Paint</translation>
    </message>
    <message>
        <source>轮胎</source>
        <translation>Tyres</translation>
    </message>
    <message>
        <source>诊断</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>举升工位</source>
        <translation>Lift bay</translation>
    </message>
    <message>
        <source>四轮定位工位</source>
        <translation>Alignment bay</translation>
    </message>
    <message>
        <source>钣金工位</source>
        <translation>Body bay</translation>
    </message>
    <message>
        <source>烤漆房</source>
        <translation>Paint booth</translation>
    </message>
    <message>
        <source>洗车质检工位</source>
        <translation>Wash/QC</translation>
    </message>
    <message>
        <source>%1 小时</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>不到 1 分钟</source>
        <translation>under 1 min</translation>
    </message>
    <message>
        <source>%1 分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 天 %2 小时</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 天</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>%1 小时 %2 分</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>在店车辆</source>
        <translation>Vehicles in the workshop</translation>
    </message>
    <message>
        <source>店里现在没有车辆</source>
        <translation>No vehicles in the workshop</translation>
    </message>
    <message>
        <source>已等 %1</source>
        <translation>Waited %1</translation>
    </message>
    <message>
        <source>共 %1 台 · 等待 %2 台</source>
        <translation>%1 vehicles · %2 waiting</translation>
    </message>
    <message>
        <source>%1 到店</source>
        <translation>In at %1</translation>
    </message>
    <message>
        <source>今日预约</source>
        <translation>Today's bookings</translation>
    </message>
    <message>
        <source>今天没有预约</source>
        <translation>No bookings today</translation>
    </message>
    <message>
        <source>共 %1 单 · 已到店 %2</source>
        <translation>%1 bookings · %2 arrived</translation>
    </message>
    <message>
        <source> · 逾期 %1</source>
        <translation> · %1 overdue</translation>
    </message>
    <message>
        <source>已过 %1</source>
        <translation>%1 late</translation>
    </message>
    <message>
        <source>技师</source>
        <translation>Technicians</translation>
    </message>
    <message>
        <source>今天没有排班的技师</source>
        <translation>No technicians on duty today</translation>
    </message>
    <message>
        <source>%1 级</source>
        <translation>Level %1</translation>
    </message>
    <message>
        <source>忙碌 %1 · 空闲 %2</source>
        <translation>Busy %1 · Idle %2</translation>
    </message>
    <message>
        <source> · 午休 %1</source>
        <translation> · Lunch %1</translation>
    </message>
    <message>
        <source>工单 #%1 ›</source>
        <translation>Order #%1 ›</translation>
    </message>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>高</source>
        <translation>higher by</translation>
    </message>
    <message>
        <source>低</source>
        <translation>lower by</translation>
    </message>
    <message>
        <source>%1 个百分点</source>
        <translation>%1 pts</translation>
    </message>
    <message>
        <source>客户等待</source>
        <translation>Waiting time</translation>
    </message>
    <message>
        <source>多等</source>
        <translation>longer by</translation>
    </message>
    <message>
        <source>少等</source>
        <translation>shorter by</translation>
    </message>
    <message>
        <source>日均接车</source>
        <translation>Vehicles a day</translation>
    </message>
    <message>
        <source>%1 台</source>
        <translation>%1 vehicles</translation>
    </message>
    <message>
        <source>多</source>
        <translation>more by</translation>
    </message>
    <message>
        <source>少</source>
        <translation>less by</translation>
    </message>
    <message>
        <source>日均产值</source>
        <translation>Output a day</translation>
    </message>
    <message>
        <source>客户满意度</source>
        <translation>Satisfaction (CSI)</translation>
    </message>
    <message>
        <source>%1 分</source>
        <translation>%1 pts</translation>
    </message>
    <message>
        <source>好于大区</source>
        <translation>Better</translation>
    </message>
    <message>
        <source>差于大区</source>
        <translation>Worse</translation>
    </message>
    <message>
        <source>与大区持平</source>
        <translation>Level with region</translation>
    </message>
    <message>
        <source>本店 %1</source>
        <translation>This store %1</translation>
    </message>
    <message>
        <source>大区平均 %1</source>
        <translation>Region average %1</translation>
    </message>
    <message>
        <source>大区 %1</source>
        <translation>Region %1</translation>
    </message>
    <message>
        <source>大区 暂无数据</source>
        <translation>Region: no data</translation>
    </message>
    <message>
        <source>暂无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>本店与大区对比</source>
        <translation>Store vs region</translation>
    </message>
    <message>
        <source>本店</source>
        <translation>This store</translation>
    </message>
    <message>
        <source>大区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>工单进度</source>
        <translation>Work order</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>等待</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>维修</source>
        <translation>In service</translation>
    </message>
    <message>
        <source>质检</source>
        <translation>QC</translation>
    </message>
    <message>
        <source>等待交车</source>
        <translation>Waiting for pickup</translation>
    </message>
    <message>
        <source>待维修</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>待质检</source>
        <translation>QC</translation>
    </message>
    <message>
        <source>待完工</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>待交车</source>
        <translation>Delivery</translation>
    </message>
    <message>
        <source>已等待</source>
        <translation>Waiting for</translation>
    </message>
    <message>
        <source>已维修</source>
        <translation>In service for</translation>
    </message>
    <message>
        <source>已质检</source>
        <translation>In QC for</translation>
    </message>
    <message>
        <source>已等待交车</source>
        <translation>Waiting for pickup for</translation>
    </message>
    <message>
        <source>%1月%2日</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>还没有记录</source>
        <translation>No events yet</translation>
    </message>
    <message>
        <source>当前</source>
        <translation>Now</translation>
    </message>
    <message>
        <source>（进行中）</source>
        <translation> (ongoing)</translation>
    </message>
    <message>
        <source>工单 #%1</source>
        <translation>Work order #%1</translation>
    </message>
    <message>
        <source>客户评分 %1 分</source>
        <translation>Customer rating %1</translation>
    </message>
    <message>
        <source>尚未评价</source>
        <translation>Not rated yet</translation>
    </message>
    <message>
        <source>到店 %1</source>
        <translation>Arrived %1</translation>
    </message>
    <message>
        <source>预约 %1</source>
        <translation>Booked for %1</translation>
    </message>
    <message>
        <source>配件：%1</source>
        <translation>Parts: %1</translation>
    </message>
    <message>
        <source>配件：未用配件</source>
        <translation>Parts: none used</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>趋势</source>
        <translation>Trends</translation>
    </message>
    <message>
        <source>选择要看的指标</source>
        <translation>Choose the KPI to show</translation>
    </message>
    <message>
        <source>目标 %1</source>
        <translation>Target %1</translation>
    </message>
    <message>
        <source>最新</source>
        <translation>Latest</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <source>小保养</source>
        <translation>Minor maintenance</translation>
    </message>
    <message>
        <source>大保养</source>
        <translation>Major maintenance</translation>
    </message>
    <message>
        <source>轮胎更换</source>
        <translation>Tyre change</translation>
    </message>
    <message>
        <source>四轮定位</source>
        <translation>Wheel alignment</translation>
    </message>
    <message>
        <source>故障诊断</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>电气维修</source>
        <translation>Electrical repair</translation>
    </message>
    <message>
        <source>发动机底盘维修</source>
        <translation>Engine / chassis repair</translation>
    </message>
    <message>
        <source>钣金修复</source>
        <translation>Body repair</translation>
    </message>
    <message>
        <source>喷漆</source>
        <translation>Paint</translation>
    </message>
    <message>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>① 客户和项目</source>
        <translation>① Customer and services</translation>
    </message>
    <message>
        <source>② 门店和时间</source>
        <translation>② Store and time</translation>
    </message>
    <message>
        <source>③ 确认预约</source>
        <translation>③ Confirm</translation>
    </message>
    <message>
        <source>低峰 %1 折</source>
        <translation>Off-peak %2% off</translation>
    </message>
    <message>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1月%2日 %3</source>
        <translation>%3 %2 %4</translation>
    </message>
    <message>
        <source>%1 分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 小时 %2 分</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 小时</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>至 %1</source>
        <translation>to %1</translation>
    </message>
    <message>
        <source>优惠规则：%1</source>
        <translation>Pricing rule: %1</translation>
    </message>
    <message>
        <source>繁忙 %1%</source>
        <translation>Busy %1%</translation>
    </message>
    <message>
        <source>本店</source>
        <translation>This store</translation>
    </message>
    <message>
        <source>综合得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>这家店做不了这些项目</source>
        <translation>This store cannot do these services</translation>
    </message>
    <message>
        <source>%1 公里</source>
        <translation>%1 km</translation>
    </message>
    <message>
        <source>车程 %1</source>
        <translation>%1 drive</translation>
    </message>
    <message>
        <source>这个时段没有空位</source>
        <translation>No free slot in this window</translation>
    </message>
    <message>
        <source>最早 %1</source>
        <translation>Earliest %1</translation>
    </message>
    <message>
        <source>预计等待 %1</source>
        <translation>Expected wait %1</translation>
    </message>
    <message>
        <source>预约</source>
        <translation>Booking</translation>
    </message>
    <message>
        <source>为客户预约</source>
        <translation>Book a customer</translation>
    </message>
    <message>
        <source>例如 京A12345</source>
        <translation>e.g. 京A12345</translation>
    </message>
    <message>
        <source>客户怎么称呼</source>
        <translation>Customer's name</translation>
    </message>
    <message>
        <source>例如 13812345678</source>
        <translation>e.g. 13812345678</translation>
    </message>
    <message>
        <source>%1  %2 分钟 · ¥%3</source>
        <translation>%1  %2 min · ¥%3</translation>
    </message>
    <message>
        <source>车牌号</source>
        <translation>Plate</translation>
    </message>
    <message>
        <source>客户姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <source>推荐门店 →</source>
        <translation>Recommend stores →</translation>
    </message>
    <message>
        <source>客户</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>服务项目</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>希望哪天、几点到店</source>
        <translation>Which day and time suits the customer</translation>
    </message>
    <message>
        <source>推荐门店</source>
        <translation>Recommended stores</translation>
    </message>
    <message>
        <source>点选一家门店，右边列出可约时间。</source>
        <translation>Pick a store to see its free times on the right.</translation>
    </message>
    <message>
        <source>可约时间</source>
        <translation>Free times</translation>
    </message>
    <message>
        <source>先在左边选一家门店。</source>
        <translation>First pick a store on the left.</translation>
    </message>
    <message>
        <source>← 修改客户和项目</source>
        <translation>← Change customer or services</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>价格</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>← 换个门店或时间</source>
        <translation>← Other store or time</translation>
    </message>
    <message>
        <source>确认预约</source>
        <translation>Confirm booking</translation>
    </message>
    <message>
        <source>再约一位客户</source>
        <translation>Book another customer</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>请和客户核对</source>
        <translation>Please read this back to the customer</translation>
    </message>
    <message>
        <source>本店排在最前；也会列出附近能更快接车的门店。</source>
        <translation>This store comes first; nearby stores that can take the car sooner are listed too.</translation>
    </message>
    <message>
        <source>请填写车牌号，例如 京A12345。</source>
        <translation>Please enter the plate, e.g. 京A12345.</translation>
    </message>
    <message>
        <source>车牌号太短了，请核对一下。</source>
        <translation>The plate is too short; please check it.</translation>
    </message>
    <message>
        <source>手机号只能是数字，例如 13812345678。</source>
        <translation>The mobile number may only have digits, e.g. 13812345678.</translation>
    </message>
    <message>
        <source>请至少选一个服务项目。</source>
        <translation>Please pick at least one service.</translation>
    </message>
    <message>
        <source>“到”的时间要晚于“从”的时间。</source>
        <translation>The “To” time must be later than the “From” time.</translation>
    </message>
    <message>
        <source>正在找合适的门店…</source>
        <translation>Finding suitable stores…</translation>
    </message>
    <message>
        <source>附近没有能做这些项目的门店。请换一天或换个时间段再试。</source>
        <translation>No store nearby can do these services. Please try another day or time.</translation>
    </message>
    <message>
        <source>这些门店都做不了所选的项目。请减少项目或换一天再试。</source>
        <translation>None of these stores can do the chosen services. Please pick fewer services or another day.</translation>
    </message>
    <message>
        <source>共 %1 家门店能做，按综合得分排序。点选一家看可约时间。</source>
        <translation>%1 stores can do it, best score first. Pick one to see its free times.</translation>
    </message>
    <message>
        <source>可约时间 · %1</source>
        <translation>Free times · %1</translation>
    </message>
    <message>
        <source>正在查这家店的空位…</source>
        <translation>Looking up this store's free times…</translation>
    </message>
    <message>
        <source>正在查空位…</source>
        <translation>Looking up free times…</translation>
    </message>
    <message>
        <source>%1 有 %2 个空位。点一个时间。</source>
        <translation>%1: %2 free times. Pick one.</translation>
    </message>
    <message>
        <source>这家店在这个时间段没有空位。请换一家门店或换一个时间段。</source>
        <translation>This store has no free time in this window. Please pick another store or time.</translation>
    </message>
    <message>
        <source>请先选一个时间。</source>
        <translation>Please pick a time first.</translation>
    </message>
    <message>
        <source>正在预约…</source>
        <translation>Booking…</translation>
    </message>
    <message>
        <source>预约成功</source>
        <translation>Booked</translation>
    </message>
    <message>
        <source>已预约：%1，%2 %3 %4，%5。预约号 %6。</source>
        <translation>Booked: %1, %2 %3 %4, %5. Booking no. %6.</translation>
    </message>
    <message>
        <source>%1 这个时间刚被别的顾问约走了，没有预约成功。</source>
        <translation>%1 was just taken by another advisor; the booking was not made.</translation>
    </message>
    <message>
        <source>点下面任一个时间，马上为客户改约：</source>
        <translation>Click any time below to book it for the customer at once:</translation>
    </message>
    <message>
        <source>这家店这天没有别的空位了，请换一家门店。</source>
        <translation>This store has no other free time that day; please pick another store.</translation>
    </message>
    <message>
        <source>门店 #%1</source>
        <translation>Store #%1</translation>
    </message>
    <message>
        <source>（未填）</source>
        <translation>(not given)</translation>
    </message>
    <message>
        <source>确认预约 %1</source>
        <translation>Confirm booking %1</translation>
    </message>
</context>
<context>
    <name>PricingEditor</name>
    <message>
        <source>一</source>
        <translation>Mo</translation>
    </message>
    <message>
        <source>二</source>
        <translation>Tu</translation>
    </message>
    <message>
        <source>三</source>
        <translation>We</translation>
    </message>
    <message>
        <source>四</source>
        <translation>Th</translation>
    </message>
    <message>
        <source>五</source>
        <translation>Fr</translation>
    </message>
    <message>
        <source>六</source>
        <translation>Sa</translation>
    </message>
    <message>
        <source>日</source>
        <translation>Su</translation>
    </message>
    <message>
        <source>周一</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sunday</translation>
    </message>
    <message>
        <source>规则名称</source>
        <translation>Rule name</translation>
    </message>
    <message>
        <source>负载低于</source>
        <translation>Load below</translation>
    </message>
    <message>
        <source>折扣</source>
        <translation>Discount</translation>
    </message>
    <message>
        <source>星期</source>
        <translation>Weekdays</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>规则要有一个名称。</source>
        <translation>A pricing rule needs a name.</translation>
    </message>
    <message>
        <source>“负载低于”要在 1% 到 100% 之间。</source>
        <translation>The load threshold must be between 1 % and 100 %.</translation>
    </message>
    <message>
        <source>折扣要在 1% 到 %1% 之间。</source>
        <translation>The discount must be between 1 % and %1 %.</translation>
    </message>
    <message>
        <source>时段要在一天之内，“到”晚于“从”（0 到 24 点）。</source>
        <translation>The hours must run forward within the day (from 0 to 24).</translation>
    </message>
    <message>
        <source>至少选一个星期几。</source>
        <translation>Pick at least one weekday.</translation>
    </message>
    <message>
        <source>每天</source>
        <translation>Every day</translation>
    </message>
    <message>
        <source>%1至%2</source>
        <translation>%1 to %2</translation>
    </message>
    <message>
        <source>例如 工作日上午低峰</source>
        <translation>e.g. Weekday mornings</translation>
    </message>
    <message>
        <source>预计负载低于这个比例的时段才打折</source>
        <translation>Only slots whose expected load is below this get the discount</translation>
    </message>
    <message>
        <source>减免的百分比：15% 即 85 折</source>
        <translation>Percent off: 15% means paying 85%</translation>
    </message>
    <message>
        <source> 点</source>
        <translation>:00</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>删除这条规则（保存后生效）</source>
        <translation>Delete this rule (takes effect when saved)</translation>
    </message>
    <message>
        <source>低峰优惠规则</source>
        <translation>Off-peak pricing rules</translation>
    </message>
    <message>
        <source>预计负载低于门槛的时段自动打折，几条都适用时取折扣最大的一条。</source>
        <translation>Slots whose expected load is below a threshold are discounted automatically; when several rules apply, the largest discount wins.</translation>
    </message>
    <message>
        <source>只有总部可以修改优惠规则；这里只能查看。</source>
        <translation>Only HQ can change the pricing rules; here you can only view them.</translation>
    </message>
    <message>
        <source>＋ 添加规则</source>
        <translation>＋ Add rule</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>试算：负载</source>
        <translation>Try it: load</translation>
    </message>
    <message>
        <source>的</source>
        <translation>on</translation>
    </message>
    <message>
        <source>第 %1 条规则：%2</source>
        <translation>Rule %1: %2</translation>
    </message>
    <message>
        <source>有两条规则都叫“%1”，请改一个名字。</source>
        <translation>Two rules are called “%1”; please rename one.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>不打折</source>
        <translation>No discount</translation>
    </message>
    <message>
        <source>%1 折（%2），¥%3 → ¥%4</source>
        <translation>%5% off (%2), ¥%3 → ¥%4</translation>
    </message>
    <message>
        <source>有修改还没保存。</source>
        <translation>There are changes not saved yet.</translation>
    </message>
    <message>
        <source>只有总部可以修改优惠规则。</source>
        <translation>Only HQ can change the pricing rules.</translation>
    </message>
</context>
<context>
    <name>ScenarioView</name>
    <message>
        <source>原来的做法</source>
        <translation>Old way</translation>
    </message>
    <message>
        <source>智能调度</source>
        <translation>Smart scheduling</translation>
    </message>
    <message>
        <source>全国</source>
        <translation>Nation</translation>
    </message>
    <message>
        <source>华北</source>
        <translation>North</translation>
    </message>
    <message>
        <source>东北</source>
        <translation>Northeast</translation>
    </message>
    <message>
        <source>华东</source>
        <translation>East</translation>
    </message>
    <message>
        <source>华中</source>
        <translation>Central</translation>
    </message>
    <message>
        <source>华南</source>
        <translation>South</translation>
    </message>
    <message>
        <source>西南</source>
        <translation>Southwest</translation>
    </message>
    <message>
        <source>西北</source>
        <translation>Northwest</translation>
    </message>
    <message>
        <source>还没有回放结果。
在命令行运行  python main.py replay --days 30 --policy smart
它会用同一批客户、同样的门店和技师，把原来的做法和智能调度各跑一遍，结果就显示在这里。</source>
        <translation>No replay yet.
On the command line run  python main.py replay --days 30 --policy smart
It plays the same customers, stores and technicians once the old way and once with smart scheduling; the result shows here.</translation>
    </message>
    <message>
        <source>%1 小时</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>客户等待</source>
        <translation>Customer wait</translation>
    </message>
    <message>
        <source>日均接车</source>
        <translation>Vehicles a day</translation>
    </message>
    <message>
        <source>门店日均产值</source>
        <translation>Store output a day</translation>
    </message>
    <message>
        <source>客户满意度</source>
        <translation>CSI</translation>
    </message>
    <message>
        <source>跨店服务/天</source>
        <translation>Cross-store a day</translation>
    </message>
    <message>
        <source>等不及走掉</source>
        <translation>Customers lost</translation>
    </message>
    <message>
        <source>工位利用率（%）</source>
        <translation>Bay utilization (%)</translation>
    </message>
    <message>
        <source>客户等待（小时）</source>
        <translation>Customer wait (h)</translation>
    </message>
    <message>
        <source>一天里各小时的负载（全国）</source>
        <translation>Load by hour of day (nation)</translation>
    </message>
    <message>
        <source>范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>回放对比：%1 → %2</source>
        <translation>Replay: %1 → %2</translation>
    </message>
    <message>
        <source>%1 天</source>
        <translation>%1 days</translation>
    </message>
    <message>
        <source>%1 家门店</source>
        <translation>%1 stores</translation>
    </message>
    <message>
        <source>同一批客户、同样的到店时间、同样的工位和技师</source>
        <translation>same customers, same arrival times, same bays and technicians</translation>
    </message>
    <message>
        <source>运行于 %1</source>
        <translation>run %1</translation>
    </message>
    <message>
        <source>这次回放没有记录各小时的负载。</source>
        <translation>This replay recorded no hourly load.</translation>
    </message>
    <message>
        <source>高峰 %1 点：%2% → %3%</source>
        <translation>Peak %1:00: %2% → %3%</translation>
    </message>
    <message>
        <source>阴影：低峰优惠和智能排班把高峰的客户挪到了空闲时段，高峰更平。</source>
        <translation>Shaded: off-peak prices and smart scheduling moved customers from the peak into quiet hours.</translation>
    </message>
    <message>
        <source>高峰没有变平：负载曲线和原来差不多。</source>
        <translation>The peak did not flatten: the load curve is much as before.</translation>
    </message>
    <message>
        <source>智能调度＋网络调配</source>
        <translation>Smart + network rebalancing</translation>
    </message>
</context>
<context>
    <name>TechRecommend</name>
    <message>
        <source>得分 %1</source>
        <translation>Score %1</translation>
    </message>
    <message>
        <source>最早 %1 开工</source>
        <translation>Can start %1</translation>
    </message>
    <message>
        <source>今天排不进</source>
        <translation>No room today</translation>
    </message>
    <message>
        <source>派给他</source>
        <translation>Assign</translation>
    </message>
    <message>
        <source>把这项工作派给 %1</source>
        <translation>Assign this job to %1</translation>
    </message>
    <message>
        <source>推荐技师</source>
        <translation>Recommended technicians</translation>
    </message>
    <message>
        <source>选一项工作，这里会列出最合适的技师。</source>
        <translation>Pick a job and the best technicians for it are listed here.</translation>
    </message>
    <message>
        <source>没有能做这项工作的技师在班。</source>
        <translation>No technician on duty can do this job.</translation>
    </message>
    <message>
        <source>技师 #%1</source>
        <translation>Technician #%1</translation>
    </message>
</context>
<context>
    <name>AnalyticsPresenter</name>
    <message>
        <source>低峰定价规则</source>
        <translation>Off-peak pricing rules</translation>
    </message>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
    <message>
        <source>已保存 %1 条低峰定价规则，新预约立即按新规则报价。</source>
        <translation>Saved %1 off-peak pricing rules; new bookings are priced by them from now on.</translation>
    </message>
    <message>
        <source>智能预约与调度</source>
        <translation>Smart booking and dispatch</translation>
    </message>
    <message>
        <source>再加上网络调配（借调、调拨、跨店推荐）</source>
        <translation>Plus network rebalancing (loans, parts transfers, referrals)</translation>
    </message>
    <message>
        <source>与原来的做法对比：</source>
        <translation>Compared with the old way:</translation>
    </message>
</context>
<context>
    <name>BookingPresenter</name>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
    <message>
        <source>找不到可推荐的门店，请检查您的权限范围。</source>
        <translation>No store to recommend was found; check which stores you may see.</translation>
    </message>
    <message>
        <source>正在为客户比较附近的门店……</source>
        <translation>Comparing the stores near the customer…</translation>
    </message>
    <message>
        <source>正在查找空闲时段……</source>
        <translation>Looking for free slots…</translation>
    </message>
    <message>
        <source>正在预约……</source>
        <translation>Booking…</translation>
    </message>
</context>
<context>
    <name>HourlyLoadChart</name>
    <message>
        <source>各小时工位负载：调价前后</source>
        <translation>Bay load by hour: before and since the price change</translation>
    </message>
    <message>
        <source>时</source>
        <translation>Hour</translation>
    </message>
    <message>
        <source>虚线：%1　实线：%2　柱：低峰折扣预约占比</source>
        <translation>Dashed: %1   Solid: %2   Bars: share of bookings at an off-peak discount</translation>
    </message>
    <message>
        <source>负载</source>
        <translation>Load</translation>
    </message>
    <message>
        <source>高峰与平均之比：%1 → %2（越接近 1 越平稳）</source>
        <translation>Peak over mean: %1 → %2 (the closer to 1, the flatter)</translation>
    </message>
    <message>
        <source>负载 %</source>
        <translation>Load %</translation>
    </message>
</context>
<context>
    <name>PlanningBar</name>
    <message>
        <source>停止排班</source>
        <translation>Stop planning</translation>
    </message>
    <message>
        <source>新建预约</source>
        <translation>New booking</translation>
    </message>
    <message>
        <source>有变化时自动排班</source>
        <translation>Re-plan by itself on changes</translation>
    </message>
    <message>
        <source>重新排班</source>
        <translation>Re-plan the day</translation>
    </message>
</context>
<context>
    <name>PlanningPresenter</name>
    <message>
        <source>今天没有需要排的车辆。</source>
        <translation>There are no vehicles to plan today.</translation>
    </message>
    <message>
        <source>已开工的作业不能挪动。</source>
        <translation>A job that has started cannot be moved.</translation>
    </message>
    <message>
        <source>已排好 %1 辆车，调整 %2 个，%3 个排不下顺延；%4 位客户收到提前到店通知。</source>
        <translation>Planned %1 vehicles, moved %2, %3 deferred (no room today); %4 customers were told they can come earlier.</translation>
    </message>
    <message>
        <source>已调整计划：%1 开始。</source>
        <translation>Plan changed: starts at %1.</translation>
    </message>
    <message>
        <source>排班没有完成：%1</source>
        <translation>Planning did not finish: %1</translation>
    </message>
    <message>
        <source>正在停止，保留目前最好的方案……</source>
        <translation>Stopping; keeping the best plan so far…</translation>
    </message>
    <message>
        <source>正在排班……</source>
        <translation>Planning…</translation>
    </message>
    <message>
        <source>这条计划已不存在，请刷新看板。</source>
        <translation>This planned job no longer exists; refresh the board.</translation>
    </message>
    <message>
        <source>已派工：%1 开始。</source>
        <translation>Assigned: starts at %1.</translation>
    </message>
    <message>
        <source>这辆车还没有排进计划，请先在门店页点“重新排班”。</source>
        <translation>This vehicle is not in the plan yet; press “Re-plan the day” on the store page first.</translation>
    </message>
    <message>
        <source>这辆车已开工或预约已取消，计划不能再动。</source>
        <translation>The vehicle has started or the booking was cancelled; the plan cannot move.</translation>
    </message>
    <message>
        <source>不能挪到已经过去的时间。</source>
        <translation>A job cannot move to a time that has passed.</translation>
    </message>
    <message>
        <source>这个工位不属于本店或已停用。</source>
        <translation>That bay is not this store's or is out of use.</translation>
    </message>
    <message>
        <source>这个工位的类型做不了这项工作。</source>
        <translation>That kind of bay cannot do this job.</translation>
    </message>
    <message>
        <source>这位技师这天不在本店上班。</source>
        <translation>That technician does not work at this store that day.</translation>
    </message>
    <message>
        <source>这位技师不具备这项工作需要的技能。</source>
        <translation>That technician lacks a skill the job needs.</translation>
    </message>
    <message>
        <source>这个时间门店不营业。</source>
        <translation>The store is closed at that time.</translation>
    </message>
    <message>
        <source>这个时间技师不在班上。</source>
        <translation>The technician is not on shift at that time.</translation>
    </message>
    <message>
        <source>这个时间是技师的休息时间。</source>
        <translation>The technician is on a break at that time.</translation>
    </message>
    <message>
        <source>这个工位这段时间已经有活了。</source>
        <translation>That bay is busy at that time.</translation>
    </message>
    <message>
        <source>这位技师这段时间已经有活了。</source>
        <translation>That technician is busy at that time.</translation>
    </message>
    <message>
        <source>和其他计划冲突，请换个时间。</source>
        <translation>It clashes with another planned job; pick another time.</translation>
    </message>
</context>
<context>
    <name>Inbox</name>
    <message>
        <source>调拨配件</source>
        <translation>Parts transfer</translation>
    </message>
    <message>
        <source>技师支援</source>
        <translation>Technician loan</translation>
    </message>
    <message>
        <source>跨店推荐</source>
        <translation>Referral</translation>
    </message>
    <message>
        <source>待审批</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>已同意</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>已驳回</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>已执行</source>
        <translation>Applied</translation>
    </message>
    <message>
        <source>已撤回</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <source>紧急</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>普通</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>不急</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>不限时间</source>
        <translation>Any age</translation>
    </message>
    <message>
        <source>超过 1 小时</source>
        <translation>Over 1 hour</translation>
    </message>
    <message>
        <source>超过 4 小时</source>
        <translation>Over 4 hours</translation>
    </message>
    <message>
        <source>超过 1 天</source>
        <translation>Over 1 day</translation>
    </message>
    <message>
        <source>已处理</source>
        <translation>Decided</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>申请</source>
        <translation>Request</translation>
    </message>
    <message>
        <source>已等</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>顾客少等</source>
        <translation>Less waiting</translation>
    </message>
    <message>
        <source>缺件工单</source>
        <translation>Jobs short of parts</translation>
    </message>
    <message>
        <source>涉及工单</source>
        <translation>Jobs involved</translation>
    </message>
    <message>
        <source>费用</source>
        <translation>Cost</translation>
    </message>
    <message>
        <source>派出店多等</source>
        <translation>More waiting at sender</translation>
    </message>
    <message>
        <source>撤回了申请</source>
        <translation>withdrew the request</translation>
    </message>
    <message>
        <source>驳回</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>同意</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>提交了申请</source>
        <translation>made the request</translation>
    </message>
    <message>
        <source>系统建议</source>
        <translation>proposed by the system</translation>
    </message>
    <message>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <source>调出店库存</source>
        <translation>Stock at sender</translation>
    </message>
    <message>
        <source>调入店库存</source>
        <translation>Stock at receiver</translation>
    </message>
    <message>
        <source>支援天数</source>
        <translation>Loan days</translation>
    </message>
    <message>
        <source>驳回要写一句理由，申请人会看到。</source>
        <translation>Write one sentence why you reject it; the requester will see it.</translation>
    </message>
    <message>
        <source>%1 分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 小时 %2 分</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 小时</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 天 %2 小时</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 天</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>今天 %1</source>
        <translation>today %1</translation>
    </message>
    <message>
        <source>昨天 %1</source>
        <translation>yesterday %1</translation>
    </message>
    <message>
        <source>%1月%2日 %3</source>
        <translation>%2 %4 %3</translation>
    </message>
    <message>
        <source>总部</source>
        <translation>HQ</translation>
    </message>
    <message>
        <source>%1区域经理</source>
        <translation>the %1 regional manager</translation>
    </message>
    <message>
        <source>%1 条</source>
        <translation>%1</translation>
    </message>
    <message>
        <source>%1 单</source>
        <translation>%1 jobs</translation>
    </message>
    <message>
        <source>%1 公里</source>
        <translation>%1 km</translation>
    </message>
    <message>
        <source>%1 申请</source>
        <translation>by %1</translation>
    </message>
    <message>
        <source>审批</source>
        <translation>Approvals</translation>
    </message>
    <message>
        <source>有 %1 条申请等你审批</source>
        <translation>%1 requests wait for your decision</translation>
    </message>
    <message>
        <source>没有等你审批的申请</source>
        <translation>No requests wait for your decision</translation>
    </message>
    <message>
        <source>审批收件箱</source>
        <translation>Approval inbox</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>重新读取申请</source>
        <translation>Read the requests again</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All kinds</translation>
    </message>
    <message>
        <source>门店名称</source>
        <translation>Store name</translation>
    </message>
    <message>
        <source>全部紧急程度</source>
        <translation>Any urgency</translation>
    </message>
    <message>
        <source>全选</source>
        <translation>Check all</translation>
    </message>
    <message>
        <source>勾选列表里所有待审批的申请</source>
        <translation>Check every pending request in the list</translation>
    </message>
    <message>
        <source>批量同意</source>
        <translation>Approve checked</translation>
    </message>
    <message>
        <source>同意所有勾选的申请（意见可写可不写）</source>
        <translation>Approve every checked request (a comment is optional)</translation>
    </message>
    <message>
        <source>预计效果</source>
        <translation>Expected effect</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>History</translation>
    </message>
    <message>
        <source>在左边选一条申请，这里显示详情。</source>
        <translation>Pick a request on the left to see it here.</translation>
    </message>
    <message>
        <source>意见（驳回时必填）</source>
        <translation>Comment (needed to reject)</translation>
    </message>
    <message>
        <source>撤回申请</source>
        <translation>Withdraw request</translation>
    </message>
    <message>
        <source>还没审批的申请可以撤回</source>
        <translation>A request not yet decided can be withdrawn</translation>
    </message>
    <message>
        <source>我的申请</source>
        <translation>My requests</translation>
    </message>
    <message>
        <source>还没有记录。</source>
        <translation>No history yet.</translation>
    </message>
    <message>
        <source>没有申请。</source>
        <translation>No requests.</translation>
    </message>
    <message>
        <source>%1 在 %2 提出</source>
        <translation>Asked by %1 %2</translation>
    </message>
    <message>
        <source>，已等 %1，等 %2 审批</source>
        <translation>, waiting %1 for %2</translation>
    </message>
    <message>
        <source>正在读取记录…</source>
        <translation>Reading the history…</translation>
    </message>
    <message>
        <source>申请人已撤回这条申请。</source>
        <translation>The requester withdrew this request.</translation>
    </message>
    <message>
        <source>意见：%1</source>
        <translation>Comment: %1</translation>
    </message>
    <message>
        <source>%1 已执行完毕</source>
        <translation>Carried out %1</translation>
    </message>
    <message>
        <source>已勾选 %1 条</source>
        <translation>%1 checked</translation>
    </message>
    <message>
        <source>勾选几条可以一起同意</source>
        <translation>Check several to approve them at once</translation>
    </message>
    <message>
        <source>批量同意（%1）</source>
        <translation>Approve checked (%1)</translation>
    </message>
    <message>
        <source>全不选</source>
        <translation>Uncheck all</translation>
    </message>
    <message>
        <source>没有等你审批的申请。</source>
        <translation>No requests wait for your decision.</translation>
    </message>
    <message>
        <source>没有符合筛选条件的申请。换个条件试试。</source>
        <translation>No request matches these filters. Try others.</translation>
    </message>
    <message>
        <source>%1 条在等审批</source>
        <translation>%1 waiting for a decision</translation>
    </message>
    <message>
        <source>待审批 %1 条</source>
        <translation>%1 pending</translation>
    </message>
    <message>
        <source>显示 %1 条</source>
        <translation>%1 shown</translation>
    </message>
    <message>
        <source>缺件数量</source>
        <translation>Parts short</translation>
    </message>
    <message>
        <source>调拨货值</source>
        <translation>Value moved</translation>
    </message>
    <message>
        <source>%1 件</source>
        <translation>%1 pcs</translation>
    </message>
</context>
<context>
    <name>LoanProposals</name>
    <message>
        <source>本店顾客少等</source>
        <translation>Less waiting here</translation>
    </message>
    <message>
        <source>派出店的代价</source>
        <translation>Cost at the sender</translation>
    </message>
    <message>
        <source>派出店顾客多等</source>
        <translation>More waiting at the sender</translation>
    </message>
    <message>
        <source>%1月%2日</source>
        <translation>%2 %3</translation>
    </message>
    <message>
        <source>%1（%2 天）</source>
        <translation>%1 (%2 days)</translation>
    </message>
    <message>
        <source>来自 %1</source>
        <translation>From %1</translation>
    </message>
    <message>
        <source>%1 公里</source>
        <translation>%1 km</translation>
    </message>
    <message>
        <source>申请支援</source>
        <translation>Ask for help</translation>
    </message>
    <message>
        <source>请 %1 派 %2 来支援，审批后生效</source>
        <translation>Ask %1 to lend %2; it takes effect once approved</translation>
    </message>
    <message>
        <source>应急支援</source>
        <translation>Technician loans</translation>
    </message>
    <message>
        <source>选一家忙不过来的门店和日期，这里列出附近能来支援的技师。</source>
        <translation>Pick an overloaded store and days to see the technicians nearby who could help.</translation>
    </message>
    <message>
        <source>预计负荷 %1%，人手不够。下面是附近有空的技师：</source>
        <translation>Forecast load %1%: not enough hands. Technicians free nearby:</translation>
    </message>
    <message>
        <source>附近有空、会做这些活的技师：</source>
        <translation>Technicians nearby who are free and can do this work:</translation>
    </message>
    <message>
        <source>附近门店这几天也没有空闲的技师。可以把部分客户推荐到别的门店。</source>
        <translation>No technician nearby is free on these days. Refer some customers to other stores instead.</translation>
    </message>
    <message>
        <source>技师 #%1</source>
        <translation>Technician #%1</translation>
    </message>
    <message>
        <source>门店 #%1</source>
        <translation>Store #%1</translation>
    </message>
    <message>
        <source>正在申请 %1 来支援…</source>
        <translation>Asking for %1…</translation>
    </message>
    <message>
        <source>预计负荷 %1%，人手够用，这两天不需要借调技师。</source>
        <translation>Forecast load %1%: enough hands, no technician needed these two days.</translation>
    </message>
</context>
<context>
    <name>PartsSources</name>
    <message>
        <source>一个月以上</source>
        <translation>over a month</translation>
    </message>
    <message>
        <source>不到 1 天</source>
        <translation>less than a day</translation>
    </message>
    <message>
        <source>半天</source>
        <translation>half a day</translation>
    </message>
    <message>
        <source>%1 天</source>
        <translation>%1 days</translation>
    </message>
    <message>
        <source>可以调出 %1 件，调出后能撑 %2</source>
        <translation>Can spare %1, enough for itself for %2</translation>
    </message>
    <message>
        <source>这家店自己也要用，调不出来</source>
        <translation>This store needs them itself</translation>
    </message>
    <message>
        <source> 件</source>
        <translation> pcs</translation>
    </message>
    <message>
        <source>申请调拨</source>
        <translation>Request transfer</translation>
    </message>
    <message>
        <source>向 %1 申请调拨，审批后库存自动转过来</source>
        <translation>Ask %1 for a transfer; the stock moves once approved</translation>
    </message>
    <message>
        <source>%1 公里</source>
        <translation>%1 km</translation>
    </message>
    <message>
        <source>有货 %1 件</source>
        <translation>%1 in stock</translation>
    </message>
    <message>
        <source>附近有货的门店</source>
        <translation>Nearby stores with the part</translation>
    </message>
    <message>
        <source>选一个缺的配件，这里列出附近有货的门店。</source>
        <translation>Pick a missing part to see the nearby stores that have it.</translation>
    </message>
    <message>
        <source>缺件：%1（%2）</source>
        <translation>Short: %1 (%2)</translation>
    </message>
    <message>
        <source>需要 %1 件，店里有 %2 件，还差 %3 件。</source>
        <translation>Needed %1, in stock %2, short %3.</translation>
    </message>
    <message>
        <source>附近门店都没有多余的这个配件。可以找配件中心订货。</source>
        <translation>No nearby store can spare this part. Order it from the parts center.</translation>
    </message>
    <message>
        <source>正在向 %1 申请 %2 件…</source>
        <translation>Asking %1 for %2…</translation>
    </message>
</context>
<context>
    <name>RebalanceStatus</name>
    <message>
        <source>跨店推荐</source>
        <translation>Referrals</translation>
    </message>
    <message>
        <source>调拨配件</source>
        <translation>Parts transfers</translation>
    </message>
    <message>
        <source>技师支援</source>
        <translation>Technician loans</translation>
    </message>
    <message>
        <source>运行中</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>定时</source>
        <translation>scheduled</translation>
    </message>
    <message>
        <source>手动</source>
        <translation>manual</translation>
    </message>
    <message>
        <source>%1 秒</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 分 %2 秒</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>全国调配</source>
        <translation>National rebalancing</translation>
    </message>
    <message>
        <source>立即运行</source>
        <translation>Run now</translation>
    </message>
    <message>
        <source>马上算一次全国的跨店推荐、配件调拨和技师支援建议</source>
        <translation>Compute referrals, parts transfers and technician loans for the whole network now</translation>
    </message>
    <message>
        <source>正在运行全国调配，通常几秒钟…</source>
        <translation>Rebalancing the network, usually a few seconds…</translation>
    </message>
    <message>
        <source>最近几次</source>
        <translation>Recent runs</translation>
    </message>
    <message>
        <source>还没有运行过。点“立即运行”算一次，或等定时运行。</source>
        <translation>No run yet. Click "Run now" or wait for the scheduled run.</translation>
    </message>
    <message>
        <source>上次运行：%1</source>
        <translation>Last run: %1</translation>
    </message>
    <message>
        <source>由 %1 运行（%2），用时 %3</source>
        <translation>Run by %1 (%2) in %3</translation>
    </message>
    <message>
        <source>正在计算建议…</source>
        <translation>Computing proposals…</translation>
    </message>
    <message>
        <source>提出 %1 条建议</source>
        <translation>%1 proposals</translation>
    </message>
    <message>
        <source>这次运行没有完成，下次会再试。</source>
        <translation>This run did not finish; the next one will try again.</translation>
    </message>
    <message>
        <source>没有定时运行。</source>
        <translation>No scheduled run.</translation>
    </message>
    <message>
        <source>下次定时运行：%1</source>
        <translation>Next scheduled run: %1</translation>
    </message>
    <message>
        <source>%1 条建议</source>
        <translation>%1 proposals</translation>
    </message>
    <message>
        <source>正在运行…</source>
        <translation>Running…</translation>
    </message>
</context>
<context>
    <name>NetworkOps</name>
    <message>
        <source>%1 条没有办成：%2</source>
        <translation>%1 not done: %2</translation>
    </message>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
    <message>
        <source>同意</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>已%1 %2 条申请。</source>
        <translation>%1 %2 requests.</translation>
    </message>
    <message>
        <source>已撤回申请 %1。</source>
        <translation>Withdrew request %1.</translation>
    </message>
    <message>
        <source>已申请技师支援（申请号 %1），等审批；批准后排班自动生效。</source>
        <translation>Asked for a technician (request %1); once approved, the rosters change by themselves.</translation>
    </message>
    <message>
        <source>已申请调拨（申请号 %1），等区域经理审批；批准后库存自动转入本店。</source>
        <translation>Asked for the parts (request %1); once the regional manager approves, the stock moves to this store by itself.</translation>
    </message>
    <message>
        <source>库存和排班已经改好。</source>
        <translation>Stock and rosters are updated.</translation>
    </message>
    <message>
        <source>正在提交决定……</source>
        <translation>Sending the decision…</translation>
    </message>
    <message>
        <source>没有缺件</source>
        <translation>No parts missing</translation>
    </message>
    <message>
        <source>驳回</source>
        <translation>Rejected</translation>
    </message>
</context>
</TS>
